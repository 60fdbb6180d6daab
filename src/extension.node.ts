// The extension's Node entry (package.json "main"): desktop and remote VS Code, code-server.
import type * as vscode from 'vscode';
import { activateLens } from './extension';
import { nodeHostPlatform } from './host/core/platformNode';
import type { LensTestApi } from './host/testing';

export function activate(context: vscode.ExtensionContext): LensTestApi | undefined {
  return activateLens(context, nodeHostPlatform(context.extensionUri));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
