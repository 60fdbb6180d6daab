// The extension's web entry (package.json "browser"): vscode.dev, github.dev and every browser-hosted VS Code,
// where the extension host is a Web Worker without Node. Where Node exists VS Code uses "main" instead.
import type * as vscode from 'vscode';
import { activateLens } from './extension';
import { webHostPlatform } from './host/core/platformWeb';
import type { LensTestApi } from './host/testing';

export function activate(context: vscode.ExtensionContext): LensTestApi | undefined {
  return activateLens(context, webHostPlatform(context.extensionUri));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
