import type { BrowserWindowConstructorOptions } from 'electron'

/**
 * The renderer is untrusted content: no Node, its own JavaScript world, the Chromium sandbox.
 * Kept as a pure function so the shell's unit test can assert every flag without Electron.
 */
export function secureWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Dataverse Sync Studio',
    backgroundColor: '#faf9f8',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false
    }
  }
}
