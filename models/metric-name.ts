// Metric keys are camelCase identifiers (testBitsPerChar); people read them as words.

/** testBitsPerChar -> test bits per char. */
export const metricName = (key: string): string => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
