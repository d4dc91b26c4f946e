@echo off
rem dvsync for an installed Dataverse Sync Studio on Windows: the CLI on the app's own Electron
rem in Node mode (no separate Node.js needed). Put this folder on PATH.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Dataverse Sync Studio.exe" "%~dp0dvsync.cjs" %*
exit /b %ERRORLEVEL%
