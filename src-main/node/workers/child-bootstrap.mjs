// Entry of every child process we fork: teach it TypeScript (tsx), then load the module named by
// the first argument (a file URL).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
