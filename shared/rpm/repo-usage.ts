/** What `extra.repos` says about each repository the image configures (repo tracking reads it). */
export interface RepoUsage {
  id: string;
  name: string;
  file: string;
  enabled: boolean;
  baseurls: string[];
  mirrorlist?: string;
  metalink?: string;
  /** `ok` (metadata read), `unreachable`, or `disabled` (`enabled=0`, not fetched). */
  status: 'ok' | 'unreachable' | 'disabled';
  /** The base URL that answered. */
  baseurl?: string;
  revision?: string;
  primaryChecksum?: string;
  packageCount?: number;
  /** Installed packages (name.arch) whose exact build this repo carries: where they likely came from. */
  installed?: string[];
  error?: string;
}
