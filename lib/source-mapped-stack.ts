import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * A stack logged by a bundled function points at `/var/task/index.js:108:26227`. The bundle ships
 * its source map (index.js.map, without the sources' content) but no sourceMappingURL comment, so
 * Node never reads it at a cold start; this reads it on the first logged stack only, and rewrites
 * each frame to the source file and line (`lib/store/dynamodb-errors.ts:30:48`). Run from the .ts
 * sources (npm start, the tests) there is no map and the stack is left as it is.
 */
const maps = new Map<string, SourceMap | undefined>();

const mapOf = (file: string): SourceMap | undefined => {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined; // an unreadable map leaves the stack as it is
    }
    maps.set(file, map);
  }
  return maps.get(file);
};

/** `../../node_modules/@smithy/x.js` -> `node_modules/@smithy/x.js`; `../../../work/app/lib/log.ts` -> `lib/log.ts`. */
const projectPath = (source: string) => {
  const path = source.replace(/^(\.\.\/)+/, '');
  const dependency = path.indexOf('node_modules/');
  if (dependency !== -1) return path.slice(dependency);
  return /^(?:.*\/)?((?:functions|lib)\/.+)$/.exec(path)?.[1] ?? path;
};

/** A frame's place in a script: a path (`/var/task/index.js:1:2`, CommonJS) or a file URL (an ES module's). */
const FRAME = /((?:file:\/\/)?\/[^\s()]+\.[cm]?js):(\d+):(\d+)/g;

export const sourceMappedStack = (stack: string): string =>
  stack.replace(FRAME, (frame, url: string, line: string, column: string) => {
    const map = mapOf(url.startsWith('file:') ? fileURLToPath(url) : url);
    const origin = map?.findOrigin(Number(line), Number(column));
    return origin && 'fileName' in origin ? `${projectPath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}` : frame;
  });
