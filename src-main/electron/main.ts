/**
 * The Electron shell: the only code that imports `electron`. One window, a menu, the IPC
 * handler generated from the API contract, and the security settings a medical viewer needs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, shell } from 'electron';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IPC_CHANNEL, IPC_EVENT_CHANNEL, type ApiReply } from '../core/api';
import { RECORDING_EXTENSIONS } from '../core/eeg';
import { createService, dispatch } from '../node/backend/service';
import { devServerUrl } from './dev-server';
import { launchTrainingUtility } from './training-launcher';

/**
 * A packaged app has no terminal: what the main process, its worker threads and the training
 * child print (the child's output arrives through our stderr) is kept in the app's log folder.
 */
function keepMainLog(): string {
  const dir = app.getPath('logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'main.log');
  const log = createWriteStream(file, { flags: 'a' });
  log.on('error', () => {});
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      log.write(chunk as string);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  return file;
}
const MAIN_LOG = keepMainLog();
process.stderr.write(`[${new Date().toISOString()}] HMS Studio ${app.getVersion()} started; this log: ${MAIN_LOG}\n`);

const handlers = createService({
  dataDir: app.getPath('userData'),
  launchTraining: launchTrainingUtility,
  emit: (event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  },
});

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'HMS Studio',
    icon: join(app.getAppPath(), 'resources', 'icon.png'),
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // No remote content: links open in the system browser; the window never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault();
  });
  // A packaged app loads nothing but its own files (dev-server.ts).
  const devUrl = devServerUrl(app.isPackaged, process.env);
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

function buildMenu(win: BrowserWindow): Menu {
  const open = async (properties: ('openFile' | 'openDirectory')[]) => {
    const result = await dialog.showOpenDialog(win, {
      properties,
      filters: [{ name: 'EEG recordings', extensions: RECORDING_EXTENSIONS.map((e) => e.slice(1)) }],
    });
    if (!result.canceled && result.filePaths[0]) win.webContents.send('hms:open', result.filePaths[0]);
  };
  return Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Recording…', accelerator: 'CmdOrCtrl+O', click: () => open(['openFile']) },
        { label: 'Open Dataset Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => open(['openDirectory']) },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ]);
}

app.whenReady().then(() => {
  ipcMain.handle(IPC_CHANNEL, (event, name: unknown, request: unknown): ApiReply | Promise<ApiReply> => {
    // Only our own window's top frame may call the backend.
    if (event.senderFrame !== event.sender.mainFrame) return { ok: false, error: { kind: 'usage', code: 'wrong-frame', message: 'calls are accepted from the main frame only' } };
    return dispatch(handlers, name, request);
  });
  const win = createWindow();
  Menu.setApplicationMenu(buildMenu(win));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
