# Build the one-folder app into build\dist\onestop\ on 64-bit Windows 10/11 (run from anywhere):
#   powershell -ExecutionPolicy Bypass -File build\build.ps1
#   $env:PYTHON = "C:\Python311\python.exe"; powershell -ExecutionPolicy Bypass -File build\build.ps1
# Default Python: .venv\Scripts\python.exe, made first if missing (Python 3.11+, 64-bit).
# The same steps as build/build.sh: a build runs on the operating system it was made on.
# Saved as UTF-8 with a BOM so that Windows PowerShell 5.1 reads its Chinese messages.
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

function Invoke-Checked {
  & $args[0] $args[1..($args.Count - 1)]
  if ($LASTEXITCODE -ne 0) { throw "失败（退出码 $LASTEXITCODE）：$($args -join ' ')" }
}

$Python = $env:PYTHON
if (-not $Python) {
  $Python = ".venv\Scripts\python.exe"
  if (-not (Test-Path $Python)) { Invoke-Checked py -3.11 -m venv .venv }
}
# PySide6 has no 32-bit Windows wheels: say so here rather than as pip's "no matching
# distribution" (a $env:PYTHON or an older .venv may be 32-bit or older than 3.11).
& $Python -c "import struct, sys; sys.exit(struct.calcsize('P') != 8 or sys.version_info < (3, 11))"
if ($LASTEXITCODE -ne 0) { throw "需要 64 位 Python 3.11 或更高版本（python.org 的 Windows installer (64-bit)）：$Python" }
# Wheels: the window's computer has no compiler (CI checks every runtime dependency has one).
Invoke-Checked $Python -m pip install -q --prefer-binary -e ".[build]"
New-Item -ItemType Directory -Force build\work | Out-Null
Invoke-Checked $Python -c @"
import json, datetime, app
json.dump({'version': app.__version__, 'built': datetime.date.today().isoformat()},
          open('build/work/build_info.json', 'w'))
"@
Invoke-Checked $Python -m PyInstaller --noconfirm --log-level WARN `
  --distpath build\dist --workpath build\work build\onestop.spec
# Policies stay editable next to the executables: a county updates a file, not the build.
if (Test-Path build\dist\onestop\policies) { Remove-Item -Recurse -Force build\dist\onestop\policies }
Copy-Item -Recurse policies build\dist\onestop\policies
Write-Host "构建完成：build\dist\onestop\（运行 build\dist\onestop\onestop.exe 或 onestop-cli.exe）"
