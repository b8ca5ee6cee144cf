/** The app's version, from package.json: inlined by the build, so no file is read at run time. */
import { version } from '../../package.json';

export const APP_VERSION: string = version;
