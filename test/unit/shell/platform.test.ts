import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { electronPlatform, PRINT_WINDOW_OPTIONS } from '../../../src-main/electron/platform'
import { createFakeElectron, FakeBrowserWindow } from './fake-electron'

// The platform adapter against the fake 'electron': dialogs modal to the window, PDFs printed in
// a hidden window without JavaScript, and the window always destroyed afterwards.
function setup(parent: FakeBrowserWindow | null = new FakeBrowserWindow({})) {
  const electron = createFakeElectron('/tmp/user')
  const windows: FakeBrowserWindow[] = []
  const platform = electronPlatform({
    dialog: electron.dialog as never,
    createWindow: (options) => {
      const window = new FakeBrowserWindow(options as Record<string, unknown>)
      windows.push(window)
      return window as never
    },
    parent: () => parent as never,
    documents: '/home/admin/Documents'
  })
  return { electron, platform, windows, parent }
}

const filters = [{ name: 'Rows', extensions: ['csv'] }]

describe('the Electron platform adapter', () => {
  it('asks for a file to open in a dialog modal to the window', async () => {
    const { electron, platform, parent } = setup()
    await expect(platform.openFile({ title: 'Choose rows', filters })).resolves.toBe(
      '/home/admin/rows.csv'
    )
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledWith(parent, {
      title: 'Choose rows',
      filters,
      properties: ['openFile']
    })
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    await expect(platform.openFile({ title: 'Choose rows', filters })).resolves.toBeUndefined()
  })

  it('opens a parentless dialog when the window is closed', async () => {
    const { electron, platform } = setup(null)
    await platform.openFile({ title: 'Choose rows', filters })
    expect(electron.dialog.showOpenDialog.mock.calls[0]).toHaveLength(1)
  })

  it('offers a file name in the documents folder and asks before overwriting', async () => {
    const { electron, platform, parent } = setup()
    await expect(
      platform.saveFile({ title: 'Report', filters, defaultName: 'run-3-report.pdf' })
    ).resolves.toBe('/home/admin/report.pdf')
    expect(electron.dialog.showSaveDialog).toHaveBeenCalledWith(parent, {
      title: 'Report',
      filters,
      defaultPath: join('/home/admin/Documents', 'run-3-report.pdf'),
      properties: ['createDirectory', 'showOverwriteConfirmation']
    })
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' })
    await expect(platform.saveFile({ title: 'Report', filters })).resolves.toBeUndefined()
  })

  it('prints a PDF in a hidden window without JavaScript, then destroys it', async () => {
    const { platform, windows } = setup()
    const pdf = await platform.printer.print('/tmp/report.html')
    expect(Buffer.from(pdf).toString('latin1')).toBe('%PDF')
    const [window] = windows
    expect(window!.options).toEqual(PRINT_WINDOW_OPTIONS)
    expect(window!.options).toMatchObject({
      show: false,
      webPreferences: { javascript: false, sandbox: true, nodeIntegration: false }
    })
    expect(window!.loadFile).toHaveBeenCalledWith('/tmp/report.html')
    expect(window!.webContents.printToPDF).toHaveBeenCalledWith(
      expect.objectContaining({ landscape: true, pageSize: 'A4', printBackground: true })
    )
    expect(window!.destroy).toHaveBeenCalled()
  })

  it('destroys the print window when printing fails', async () => {
    const { platform, windows } = setup()
    const failing = platform.printer.print('/tmp/missing.html')
    windows[0]!.webContents.printToPDF.mockRejectedValueOnce(new Error('no printer'))
    await expect(failing).rejects.toThrow('no printer')
    expect(windows[0]!.destroy).toHaveBeenCalled()
  })
})
