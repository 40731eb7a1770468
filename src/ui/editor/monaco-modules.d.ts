// Monaco ships this contribution without a .d.ts; it is imported for its side effect (the suggest
// widget: without it the JSON mode's completions have nowhere to show).
declare module 'monaco-editor/editor/contrib/suggest/browser/suggestController';
