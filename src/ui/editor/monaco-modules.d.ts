// Monaco ships this contribution without a .d.ts; it is imported for its side effect (the suggest
// widget), as PLAYGROUNDS.md §3.2 explains.
declare module 'monaco-editor/editor/contrib/suggest/browser/suggestController';
