/**
 * A value built on its first use and kept: what a function does not use, it never builds. The
 * request schemas are built so (lib/http/schemas.ts): a function builds its own operation's at
 * load and no other's, where building all of them cost every cold start about 5 ms.
 */
export const builtOnce = <T>(build: () => T): (() => T) => {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
};
