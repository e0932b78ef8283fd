import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini loads no locale: a failed check it has no message for says only "Invalid input".
 * Operators read what the static catalog file and EC2's events fail on, so those schemas get
 * classic zod's English messages (about 2 kB of bundle). The API's request schemas spell every
 * message themselves (lib/http/schemas.ts).
 */
export const useEnglishMessages = () => z.config(en());
