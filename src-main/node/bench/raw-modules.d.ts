/** Vite's `?raw` import: the file's text, bundled (the PyTorch reference a bench hands to python). */
declare module '*.py?raw' {
  const source: string;
  export default source;
}
