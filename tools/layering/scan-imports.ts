// Reads one source file with the TypeScript compiler API and lists what it imports (static,
// export-from, dynamic, require, import types, worker URLs) and where it writes a store.
import ts from 'typescript';

export type ImportKind = 'static' | 'dynamic' | 'require' | 'import-type' | 'worker-url';

export interface ImportRef {
  specifier: string;
  line: number;
  kind: ImportKind;
  /** Erased at runtime (`import type`, all-`type` specifier lists, `import('x').T`). */
  typeOnly: boolean;
  /** Names bound by a static import or re-export (`default` for a default import). */
  names: string[];
}

export interface StoreWrite {
  line: number;
  /** The expression as written, e.g. `appStore.setState` or `getState().setWindow`. */
  text: string;
  /** The property name used to write. */
  name: string;
}

export interface ScannedFile {
  imports: ImportRef[];
  /** Member accesses that look like store writes (checked only where the policy says). */
  memberWrites: StoreWrite[];
  lines: number;
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.mjs') || file.endsWith('.js')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function importNames(clause: ts.ImportClause | undefined): { names: string[]; typeOnly: boolean } {
  if (!clause) return { names: [], typeOnly: false };
  const names: string[] = [];
  let allTypes = true;
  if (clause.name) {
    names.push('default');
    allTypes = false;
  }
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    names.push('*');
    allTypes = false;
  } else if (bindings) {
    for (const el of bindings.elements) {
      names.push((el.propertyName ?? el.name).text);
      if (!el.isTypeOnly) allTypes = false;
    }
    if (bindings.elements.length === 0) allTypes = false;
  }
  return { names, typeOnly: clause.isTypeOnly || (names.length > 0 && allTypes) };
}

function exportNames(decl: ts.ExportDeclaration): { names: string[]; typeOnly: boolean } {
  const clause = decl.exportClause;
  if (!clause) return { names: ['*'], typeOnly: decl.isTypeOnly };
  if (ts.isNamespaceExport(clause)) return { names: ['*'], typeOnly: decl.isTypeOnly };
  const names = clause.elements.map((el) => (el.propertyName ?? el.name).text);
  const allTypes = clause.elements.length > 0 && clause.elements.every((el) => el.isTypeOnly);
  return { names, typeOnly: decl.isTypeOnly || allTypes };
}

function isGetStateCall(node: ts.Expression): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'getState'
  );
}

export function scanSource(file: string, text: string): ScannedFile {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKind(file));
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const imports: ImportRef[] = [];
  const memberWrites: StoreWrite[] = [];
  const add = (node: ts.Node, specifier: string, kind: ImportKind, typeOnly: boolean, names: string[]) =>
    imports.push({ specifier, line: lineOf(node), kind, typeOnly, names });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const { names, typeOnly } = importNames(node.importClause);
      add(node, node.moduleSpecifier.text, 'static', typeOnly, names);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const { names, typeOnly } = exportNames(node);
      add(node, node.moduleSpecifier.text, 'static', typeOnly, names);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression.text, 'require', node.isTypeOnly, ['*']);
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const literal = arg && ts.isStringLiteralLike(arg) ? arg.text : null;
      if (literal !== null && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, literal, 'dynamic', false, ['*']);
      } else if (literal !== null && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        add(node, literal, 'require', false, ['*']);
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) {
        add(node, arg.literal.text, 'import-type', true, ['*']);
      }
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL'
    ) {
      // `new URL('./trace-worker.ts', import.meta.url)` is how Vite loads a worker bundle.
      const [arg, base] = node.arguments ?? [];
      if (
        arg &&
        ts.isStringLiteralLike(arg) &&
        arg.text.startsWith('.') &&
        base &&
        ts.isPropertyAccessExpression(base) &&
        ts.isMetaProperty(base.expression)
      ) {
        add(node, arg.text, 'worker-url', false, ['*']);
      }
    } else if (ts.isPropertyAccessExpression(node) && node.expression.kind !== ts.SyntaxKind.ThisKeyword) {
      const name = node.name.text;
      // `store.setState` (called or passed around) and `store.getState().setX` are store writes.
      if (name === 'setState' || isGetStateCall(node.expression)) {
        memberWrites.push({ line: lineOf(node), text: node.getText(sf), name });
      }
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      // `const { setWindow } = appStore.getState()`
      if (isGetStateCall(node.initializer)) {
        for (const el of node.name.elements) {
          const prop = el.propertyName ?? el.name;
          if (ts.isIdentifier(prop)) {
            memberWrites.push({ line: lineOf(el), text: `getState() { ${prop.text} }`, name: prop.text });
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return { imports, memberWrites, lines };
}
