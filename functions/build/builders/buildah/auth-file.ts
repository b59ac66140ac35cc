import { writeFile } from 'node:fs/promises';
import type { RegistryAccess } from '../../../../shared/builds/builder-types';

/**
 * Writes a containers-auth.json with the registry's credentials (mode 0600) and returns its
 * path, or `null` when there are none. Buildah reads it with `--authfile`, so the password is
 * never on a command line that `/proc/<pid>/cmdline` would show.
 * @see https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md
 */
export async function writeAuthFile(file: string, registry: RegistryAccess): Promise<string | null> {
  if (!registry.username || registry.password === undefined) return null;
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  await writeFile(file, JSON.stringify({ auths: { [registry.address]: { auth } } }), { mode: 0o600 });
  return file;
}
