// Durations as people read them, in whole minutes and seconds.

/**
 * `seconds` rounded to a whole second, then split into minutes and seconds: 299.9 s is 5 min 0 s.
 * Rounding the remainder alone would give 4 min 60 s.
 */
export function minutesAndSeconds(seconds: number): { minutes: number; seconds: number } {
  const whole = Math.round(seconds);
  return { minutes: Math.floor(whole / 60), seconds: whole % 60 };
}
