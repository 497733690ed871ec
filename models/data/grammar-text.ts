// Text from a small probabilistic finite-state grammar of made-up words. Each state's emitted
// character fixes the next state (the machine is unifilar), so the characters seen so far fix the
// state and the entropy rate is exactly sum_s pi(s) H(emissions of s), pi the stationary
// distribution of the state chain: a character model's bits/char can be judged against it.
import { SeededRandom } from '../../bindings/data/seeded-random.js';

/** Per state: [character, probability, next state]. A space always returns to the start state. */
type Arc = readonly [char: string, p: number, next: number];

const START = 0;
const GRAMMAR: readonly (readonly Arc[])[] = [
  /* 0 onset  */ [['b', 0.3, 1], ['d', 0.2, 1], ['t', 0.1, 1], ['k', 0.2, 2], ['s', 0.2, 2]],
  /* 1 open   */ [['a', 0.6, 3], ['o', 0.4, 3]],
  /* 2 close  */ [['i', 0.5, 3], ['u', 0.5, 4]],
  /* 3 coda   */ [['n', 0.4, 5], ['r', 0.3, 5], [' ', 0.3, START]],
  /* 4 nasal  */ [['m', 0.5, 5], [' ', 0.5, START]],
  /* 5 ending */ [['a', 0.5, 6], ['e', 0.5, 6]],
  /* 6 plural */ [[' ', 0.7, START], ['s', 0.2, 7], ['.', 0.1, 8]],
  /* 7 after s */ [[' ', 1, START]],
  /* 8 stop   */ [['\n', 1, START]],
];

/** Exact entropy rate of the grammar in bits per character. */
export function grammarEntropyRate(): number {
  let pi: number[] = GRAMMAR.map((_, s) => (s === START ? 1 : 0));
  // Power iteration on a Cesàro average: the chain may be periodic, the average still converges.
  const average = pi.map(() => 0);
  const rounds = 20000;
  for (let i = 0; i < rounds; i++) {
    const next = pi.map(() => 0);
    GRAMMAR.forEach((arcs, s) => arcs.forEach(([, p, to]) => (next[to] += pi[s] * p)));
    pi = next;
    pi.forEach((v, s) => (average[s] += v / rounds));
  }
  return GRAMMAR.reduce((h, arcs, s) => h - average[s] * arcs.reduce((e, [, p]) => e + p * Math.log2(p), 0), 0);
}

/** `length` characters of grammar text, walked from the start state with a seeded generator. */
export function grammarText(length: number, seed: number): string {
  const rng = new SeededRandom(seed);
  const out: string[] = [];
  let state = START;
  while (out.length < length) {
    const u = rng.uniform();
    const arcs = GRAMMAR[state];
    let k = 0;
    for (let acc = arcs[0][1]; u >= acc && k < arcs.length - 1; acc += arcs[++k][1]);
    out.push(arcs[k][0]);
    state = arcs[k][2];
  }
  return out.join('');
}
