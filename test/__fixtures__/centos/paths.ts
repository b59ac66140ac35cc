import path from 'node:path';

/**
 * The real CentOS container index (34 files of `index.d/`), inside the repository so that a fresh
 * clone tests on its own.
 * @see ./README.md
 */
export const CENTOS_INDEX = path.join(__dirname, 'container-index');

/**
 * 79 real CentOS Dockerfiles, upstream path slashes turned into `_`.
 * @see ./README.md
 */
export const CENTOS_DOCKERFILES = path.join(__dirname, 'dockerfiles');
