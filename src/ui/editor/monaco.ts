/**
 * The Monaco JSON editor, loaded lazily with import() by BodyEditor (the shell's textarea works
 * until then; see load.ts for when). What Monaco 0.56+ needs here: workers from its new import
 * paths, `jsonDefaults` from the json register module, the suggest controller imported
 * explicitly, every feature imported before `editor.create`, and `setDiagnosticsOptions` always
 * given the whole option set (it replaces, it does not merge).
 */
import 'monaco-editor/features/register.all';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import * as monaco from 'monaco-editor/editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { type CompletionValues, NO_COMPLETIONS, editorSchema } from './schema';

declare global {
   
  var MonacoEnvironment: monaco.Environment | undefined;
}

globalThis.MonacoEnvironment = {
  getWorker(_id: string, label: string): Worker {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

export interface JsonEditorOptions {
  container: HTMLElement;
  operation: string;
  value: string;
  dark: boolean;
  fontSize: number;
  ariaLabel: string;
  /** turns off auto-closing, auto-indent and suggestions so tests can type exact text */
  e2e: boolean;
  completions?: CompletionValues;
  /** where to put the cursor (an offset into value), and whether to take focus */
  selection?: { start: number; end: number };
  focus?: boolean;
  onChange(value: string): void;
  onSend(): void;
}

export interface JsonEditorHandle {
  /** shows the model of `operation`, creating it with `value` the first time */
  setOperation(operation: string, value: string): void;
  /** replaces the text from outside (template, history load) keeping undo */
  setValue(value: string): void;
  setCompletions(values: CompletionValues): void;
  setDark(dark: boolean): void;
  setFontSize(px: number): void;
  focus(): void;
  /** the selection as offsets into the text, and whether the editor has the focus (to hand both back to a textarea) */
  caret(): { start: number; end: number; focused: boolean };
  dispose(): void;
}

const modelUri = (operation: string) => monaco.Uri.parse(`inmemory://kms/TrentService.${operation}.json`);

export function createJsonEditor(opts: JsonEditorOptions): JsonEditorHandle {
  let completions = opts.completions ?? NO_COMPLETIONS;
  let operation = opts.operation;
  const models = new Map<string, monaco.editor.ITextModel>();
  const viewStates = new Map<string, monaco.editor.ICodeEditorViewState | null>();
  let applyingExternal = false;
  /** completions arrived that the schemas do not hold yet (see setCompletions) */
  let schemasStale = false;

  const applySchemas = () => {
    schemasStale = false;
    const schemas = [...models.keys()].map((op) => ({
      uri: `kms://schema/${op}`,
      fileMatch: [modelUri(op).toString()],
      schema: editorSchema(op, completions),
    }));
    jsonDefaults.setDiagnosticsOptions({
      ...jsonDefaults.diagnosticsOptions,
      validate: true,
      allowComments: false,
      comments: 'error',
      trailingCommas: 'error',
      enableSchemaRequest: false,
      schemaValidation: 'warning',
      schemas,
    });
  };

  const modelFor = (op: string, value: string) => {
    let model = models.get(op);
    if (!model) {
      model = monaco.editor.getModel(modelUri(op)) ?? monaco.editor.createModel(value, 'json', modelUri(op));
      if (model.getValue() !== value) model.setValue(value);
      models.set(op, model);
      applySchemas();
    }
    return model;
  };

  const editor = monaco.editor.create(opts.container, {
    model: modelFor(operation, opts.value),
    theme: opts.dark ? 'vs-dark' : 'vs',
    ariaLabel: opts.ariaLabel,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    wordWrap: 'on',
    tabSize: 2,
    fontSize: opts.fontSize,
    lineNumbersMinChars: 3,
    fixedOverflowWidgets: true,
    // Tab moves focus out of the editor (no keyboard trap, WCAG 2.1.2); Ctrl+M toggles it
    tabFocusMode: true,
    hover: { enabled: 'on', delay: 300 },
    ...(opts.e2e
      ? {
          autoClosingBrackets: 'never',
          autoClosingQuotes: 'never',
          autoClosingOvertype: 'never',
          autoIndent: 'none',
          formatOnType: false,
          quickSuggestions: false,
          suggestOnTriggerCharacters: false,
          acceptSuggestionOnEnter: 'off',
        }
      : {}),
  } satisfies monaco.editor.IStandaloneEditorConstructionOptions);

  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => opts.onSend());
  // the completions that changed while the editor was not in use, before it is used again
  const applyIfStale = () => {
    if (schemasStale) applySchemas();
  };
  const uses = [editor.onDidFocusEditorText(applyIfStale), editor.onKeyDown(applyIfStale), editor.onMouseDown(applyIfStale)];
  const sub = editor.onDidChangeModelContent(() => {
    if (applyingExternal) return;
    opts.onChange(editor.getValue());
  });

  if (opts.selection) {
    const model = editor.getModel();
    if (model) {
      const a = model.getPositionAt(opts.selection.start);
      const b = model.getPositionAt(opts.selection.end);
      editor.setSelection(new monaco.Selection(a.lineNumber, a.column, b.lineNumber, b.column));
    }
  }
  if (opts.focus) editor.focus();

  const setValue = (value: string) => {
    const model = editor.getModel();
    if (!model || model.getValue() === value) return;
    applyingExternal = true;
    try {
      model.pushEditOperations(editor.getSelections() ?? [], [{ range: model.getFullModelRange(), text: value }], () => null);
    } finally {
      applyingExternal = false;
    }
  };

  return {
    setOperation(op, value) {
      if (op !== operation) {
        viewStates.set(operation, editor.saveViewState());
        operation = op;
        editor.setModel(modelFor(op, value));
        const saved = viewStates.get(op);
        if (saved) editor.restoreViewState(saved);
      }
      setValue(value);
    },
    setValue,
    setCompletions(values) {
      if (values === completions) return;
      completions = values;
      // New schemas restart Monaco's JSON worker (any change to its options does), and a Send
      // that changes the world changes the completions: so they reach the schemas when the editor
      // is next focused, clicked or typed in, not in the frame that shows the answer.
      schemasStale = true;
    },
    setDark(dark) {
      monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
    },
    setFontSize(px) {
      editor.updateOptions({ fontSize: px });
    },
    focus() {
      editor.focus();
    },
    caret() {
      const model = editor.getModel();
      const sel = editor.getSelection();
      const focused = editor.hasTextFocus();
      if (!model || !sel) return { start: 0, end: 0, focused };
      return { start: model.getOffsetAt(sel.getStartPosition()), end: model.getOffsetAt(sel.getEndPosition()), focused };
    },
    dispose() {
      sub.dispose();
      for (const u of uses) u.dispose();
      editor.dispose();
      for (const m of models.values()) m.dispose();
      models.clear();
    },
  };
}
