import packageJson from '../../package.json';

/** Veil's version, from package.json (bundled in, so the packaged app needs no file lookup). */
export const VEIL_VERSION: string = packageJson.version;
