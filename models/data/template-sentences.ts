// Sentences from templates over word classes: animals and people do different things, foods are
// eaten or sold, places are where one goes. Words of a class are interchangeable by construction,
// so a model that learns distributed word features should give them neighbouring embeddings.
import { SeededRandom } from '../../bindings/index.js';

export const WORD_CLASSES: Readonly<Record<string, readonly string[]>> = {
  determiner: ['the', 'a', 'every', 'this'],
  adjective: ['big', 'small', 'old', 'young', 'happy', 'quiet'],
  animal: ['dog', 'cat', 'horse', 'bird', 'fox', 'cow'],
  person: ['man', 'woman', 'child', 'farmer', 'teacher', 'doctor'],
  food: ['apple', 'bread', 'cheese', 'soup', 'rice', 'cake'],
  place: ['park', 'house', 'garden', 'school', 'market', 'kitchen'],
  motion: ['runs', 'sleeps', 'jumps', 'hides'],
  trade: ['cooks', 'buys', 'sells', 'wants'],
  care: ['sees', 'feeds', 'calls', 'follows'],
  preposition: ['in', 'near', 'behind'],
};

export const BOS = '<s>';
export const EOS = '</s>';
/** Every word, the sentence markers first. */
export const WORDS: readonly string[] = [BOS, EOS, ...Object.values(WORD_CLASSES).flat()];

/** Templates: a class name picks one of its words; `adjective?` is there half the time. */
const TEMPLATES: readonly (readonly string[])[] = [
  ['determiner', 'adjective?', 'animal', 'motion', 'preposition', 'determiner', 'place'],
  ['determiner', 'adjective?', 'animal', 'motion'],
  ['determiner', 'adjective?', 'person', 'trade', 'determiner', 'adjective?', 'food'],
  ['determiner', 'adjective?', 'person', 'care', 'determiner', 'adjective?', 'animal'],
  ['determiner', 'adjective?', 'person', 'trade', 'determiner', 'food', 'in', 'determiner', 'place'],
];

/** `count` sentences as word lists, without markers. */
export function templateSentences(count: number, seed: number): string[][] {
  const rng = new SeededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.below(xs.length)];
  return Array.from({ length: count }, () => {
    const sentence: string[] = [];
    for (const slot of pick(TEMPLATES)) {
      if (slot.endsWith('?') && rng.below(2) === 0) continue;
      const words = WORD_CLASSES[slot.replace('?', '')];
      sentence.push(words === undefined ? slot : pick(words));
    }
    return sentence;
  });
}
