// Locations, resolved from this file (tests can be started from any directory).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
// The reference material lives next to the repository and is never copied into it.
export const specDir = resolve(repoRoot, '../shared/spec');
