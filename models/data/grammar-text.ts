// Text from a small probabilistic finite-state grammar of made-up words, in two forms whose
// entropy rates are known exactly, so a character model's bits/char can be judged against them.
// - Running text: each state's emitted character fixes the next state (the machine is unifilar),
//   so the characters seen so far fix the state and the entropy rate is sum_s pi(s) H(emissions
//   of s), pi the stationary distribution of the state chain.
// - Echo lines, "bo dana kume, bo dana kume.\n": the same words, a phrase of two or three said
//   twice. The echo adds no information, but predicting it means looking back up to 19
//   characters: a model that only tracks the current word learns the words and never the echo.
//   Lines are independent, so the rate is H(line) / E[line length].
import { SeededRandom } from '../../bindings/index.js';

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

/** Exact entropy rate of the running text in bits per character. */
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

/** Index of the arc `u` in [0, 1) picks. */
function pick(arcs: readonly Arc[], u: number): number {
  let k = 0;
  for (let acc = arcs[0][1]; u >= acc && k < arcs.length - 1; acc += arcs[++k][1]);
  return k;
}

/** `length` characters of running text, walked from the start state with a seeded generator. */
export function grammarText(length: number, seed: number): string {
  const rng = new SeededRandom(seed);
  const out: string[] = [];
  let state = START;
  while (out.length < length) {
    const [char, , next] = GRAMMAR[state][pick(GRAMMAR[state], rng.uniform())];
    out.push(char);
    state = next;
  }
  return out.join('');
}

/** In echo lines a word is a walk from the start state up to its space or full stop, which is dropped. */
const endsWord = (char: string) => char === ' ' || char === '.';

/**
 * Entropy (bits), mean length and longest length of the words a walk from `state` makes. The
 * arcs that end a word count as one outcome: the text does not show which of them was taken.
 */
function wordStats(state: number): { bits: number; length: number; longest: number } {
  const pEnd = GRAMMAR[state].reduce((sum, [char, p]) => sum + (endsWord(char) ? p : 0), 0);
  let bits = pEnd > 0 ? -pEnd * Math.log2(pEnd) : 0;
  let length = 0;
  let longest = 0;
  for (const [char, p, next] of GRAMMAR[state]) {
    if (endsWord(char)) continue;
    const rest = wordStats(next);
    bits += p * (rest.bits - Math.log2(p));
    length += p * (1 + rest.length);
    longest = Math.max(longest, 1 + rest.longest);
  }
  return { bits, length, longest };
}

/** A phrase has 2 or 3 words, equally likely. */
const WORDS_PER_PHRASE = [2, 3];

const phraseLength = (words: number, wordLength: number) => words * wordLength + words - 1;
/** "phrase, phrase.\n" */
const lineLength = (phrase: number) => 2 * phrase + 4;

/** The words of echo lines: entropy, mean and longest length. */
const WORDS = wordStats(START);

/** Exact entropy rate of echo lines in bits per character. */
export function echoEntropyRate(): number {
  const meanWords = WORDS_PER_PHRASE.reduce((a, b) => a + b, 0) / WORDS_PER_PHRASE.length;
  const lineBits = Math.log2(WORDS_PER_PHRASE.length) + meanWords * WORDS.bits;
  return lineBits / lineLength(phraseLength(meanWords, WORDS.length));
}

/** Characters in the longest possible echo line, newline included. */
export const LONGEST_ECHO_LINE = lineLength(phraseLength(Math.max(...WORDS_PER_PHRASE), WORDS.longest));

function word(rng: SeededRandom): string {
  let out = '';
  for (let state = START; ;) {
    const [char, , next] = GRAMMAR[state][pick(GRAMMAR[state], rng.uniform())];
    if (endsWord(char)) return out;
    out += char;
    state = next;
  }
}

/** The first `length` characters of echo lines drawn with a seeded generator. */
export function echoText(length: number, seed: number): string {
  const rng = new SeededRandom(seed);
  const lines: string[] = [];
  for (let chars = 0; chars < length;) {
    const phrase = Array.from({ length: WORDS_PER_PHRASE[rng.below(WORDS_PER_PHRASE.length)] }, () => word(rng)).join(' ');
    lines.push(`${phrase}, ${phrase}.\n`);
    chars += lines[lines.length - 1].length;
  }
  return lines.join('').slice(0, length);
}
