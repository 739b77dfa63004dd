import { autocompletion, type Completion } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { html } from '@codemirror/lang-html';
import { json } from '@codemirror/lang-json';
import { liquid } from '@codemirror/lang-liquid';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { offsetAt } from '../model/template-problems';

export type CodeLanguage = 'mjml' | 'json';

export interface CodeProblem {
  line: number;
  column?: number;
  message: string;
}

export interface CodeEditorHandle {
  /** Inserts text at the cursor (replacing the selection) and focuses the editor. */
  insert(text: string): void;
  focus(): void;
}

export interface CodeEditorProps {
  /** The accessible name of the editable area. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  language: CodeLanguage;
  problems?: CodeProblem[];
  readOnly?: boolean;
  /** Offered when typing inside `{{ }}` (Liquid variables). */
  variables?: string[];
  onFocus?: () => void;
  minHeight?: string;
  describedBy?: string;
}

// Colours chosen for at least 4.5:1 contrast on the editor's white background.
const highlight = HighlightStyle.define([
  { tag: [tags.tagName, tags.angleBracket], color: '#1d4ed8' },
  { tag: tags.attributeName, color: '#7c2d12' },
  { tag: [tags.attributeValue, tags.string], color: '#166534' },
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.operatorKeyword], color: '#7e22ce', fontWeight: '600' },
  { tag: [tags.variableName, tags.propertyName], color: '#0f5c8a' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: '#9a3412' },
  { tag: tags.comment, color: '#5b6675', fontStyle: 'italic' },
  { tag: [tags.brace, tags.bracket, tags.punctuation, tags.processingInstruction], color: '#6b21a8' },
  { tag: tags.invalid, color: '#a12828' },
]);

const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'var(--color-surface)', color: 'var(--color-text)', height: '100%' },
  '.cm-content': { fontFamily: 'var(--font-mono)', padding: '6px 0' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-gutters': {
    backgroundColor: 'var(--color-surface-muted)',
    color: 'var(--color-muted)',
    borderRight: '1px solid var(--color-border)',
  },
  '.cm-activeLine': { backgroundColor: 'rgb(59 91 219 / 5%)' },
  '.cm-activeLineGutter': { backgroundColor: 'rgb(59 91 219 / 10%)', color: 'var(--color-text)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-tooltip': { fontSize: '12px' },
});

function languageOf(language: CodeLanguage, variables: string[]): Extension {
  if (language === 'json') return json();
  const completions: Completion[] = variables.map((path) => ({ label: path, type: 'variable' }));
  // MJML is XML-like markup: Liquid over the HTML grammar highlights both the tags and the {{ }} / {% %}.
  return [liquid({ base: html({ selfClosingTags: true }), variables: completions }), autocompletion()];
}

function diagnosticsOf(doc: string, problems: CodeProblem[]): Diagnostic[] {
  return problems.map((problem) => {
    const from = offsetAt(doc, problem.line, problem.column ?? 1);
    const lineEnd = doc.indexOf('\n', from);
    const to = Math.max(from, Math.min(lineEnd === -1 ? doc.length : lineEnd, from + 40));
    return { from, to: to === from ? Math.min(doc.length, from + 1) : to, severity: 'error', message: problem.message };
  });
}

/** A CodeMirror 6 editor for MJML with Liquid (or JSON), showing the server's problems at their line and column. */
export const CodeEditor = forwardRef<CodeEditorHandle, CodeEditorProps>(function CodeEditor(
  { label, value, onChange, language, problems = [], readOnly = false, variables = [], onFocus, minHeight = '16rem', describedBy },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  const onFocusRef = useRef(onFocus);
  const compartments = useRef({ language: new Compartment(), readOnly: new Compartment(), attributes: new Compartment() });

  useEffect(() => {
    onChangeRef.current = onChange;
    onFocusRef.current = onFocus;
  });

  useEffect(() => {
    const { language: languageSlot, readOnly: readOnlySlot, attributes } = compartments.current;
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          lintGutter(),
          syntaxHighlighting(highlight),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          theme,
          languageSlot.of(languageOf(language, variables)),
          readOnlySlot.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
          attributes.of(
            EditorView.contentAttributes.of({ 'aria-label': label, ...(describedBy ? { 'aria-describedby': describedBy } : {}) }),
          ),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
            if (update.focusChanged && update.view.hasFocus) onFocusRef.current?.();
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; later prop changes are applied through compartments below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A value changed from outside (a starter layout, another locale, a restored version) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.language.reconfigure(languageOf(language, variables)) });
  }, [language, variables]);

  useEffect(() => {
    view.current?.dispatch({
      effects: [
        compartments.current.readOnly.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
        compartments.current.attributes.reconfigure(
          EditorView.contentAttributes.of({ 'aria-label': label, ...(describedBy ? { 'aria-describedby': describedBy } : {}) }),
        ),
      ],
    });
  }, [readOnly, label, describedBy]);

  useEffect(() => {
    const editor = view.current;
    if (editor) editor.dispatch(setDiagnostics(editor.state, diagnosticsOf(editor.state.doc.toString(), problems)));
  }, [problems, value]);

  useImperativeHandle(ref, () => ({
    insert(text: string) {
      const editor = view.current;
      if (!editor || readOnly) return;
      const { from, to } = editor.state.selection.main;
      editor.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length }, scrollIntoView: true });
      editor.focus();
    },
    focus() {
      view.current?.focus();
    },
  }));

  return <div ref={host} className="code-editor" style={{ minHeight }} data-language={language} />;
});
