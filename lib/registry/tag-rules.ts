/** Upstream Sahara's `valid_tag`, anchored so that a trailing newline is refused too. */
const LABEL = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-_]*[A-Za-z0-9])';
export const TAG_PATTERN = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS_PER_IMAGE = 50;
export const MAX_TAGS_PER_QUERY = 20;

export const isValidTag = (tag: string): boolean => tag.length > 0 && tag.length <= MAX_TAG_LENGTH && TAG_PATTERN.test(tag);

/** Tag sets are kept sorted and duplicate-free, so that equal sets compare equal. */
export const normalizeTags = (tags: Iterable<string>): string[] => [...new Set(tags)].sort();

export interface TagChange {
  readonly next: string[];
  readonly added: string[];
  readonly removed: string[];
}

export const diffTags = (current: readonly string[], next: readonly string[]): TagChange => {
  const before = new Set(current);
  const after = new Set(next);
  return {
    next: normalizeTags(after),
    added: [...after].filter((tag) => !before.has(tag)).sort(),
    removed: [...before].filter((tag) => !after.has(tag)).sort(),
  };
};
