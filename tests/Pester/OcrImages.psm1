# Images with known text for the OCR tests and the OCR benchmark (bench/ocr.ps1): rendered with SkiaSharp from the NuGet
# cache the test projects restore (fonts: Debian's fonts-dejavu-core); TestSupport.psm1's Start-ImageServer serves them
# from 127.0.0.1.

function Initialize-Skia {
    if ('SkiaSharp.SKBitmap' -as [type]) { return }
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $managed = Join-Path $packages 'skiasharp/2.88.9/lib/net6.0/SkiaSharp.dll'
    $native = Join-Path $packages 'skiasharp.nativeassets.linux.nodependencies/2.88.9/runtimes/linux-x64/native/libSkiaSharp.so'
    foreach ($file in $managed, $native) {
        if (-not (Test-Path -LiteralPath $file)) { throw "$file is missing: restore the test projects first (dotnet build of the solution, or ./build.ps1)." }
    }
    # A C# resolver: SkiaSharp also calls into its native library from the finalizer thread, where no runspace is.
    [MuseumSyncPester.NativeResolver]::Register([System.Reflection.Assembly]::LoadFrom($managed), $native)
}

function New-TextImage {
    <# A PNG of $Text (lines split on `n) in a DejaVu font, black on white. #>
    param([Parameter(Mandatory)] [string] $Text, [string] $Font = 'DejaVuSans.ttf', [float] $Size = 36)
    Initialize-Skia
    $lines = $Text -split "`n"
    $bitmap = [SkiaSharp.SKBitmap]::new(1400, [int]($Size * 1.8 * $lines.Count + $Size * 2))
    $canvas = [SkiaSharp.SKCanvas]::new($bitmap)
    $canvas.Clear([SkiaSharp.SKColors]::White)
    $paint = [SkiaSharp.SKPaint]::new()
    $paint.Typeface = [SkiaSharp.SKTypeface]::FromFile((Join-Path '/usr/share/fonts/truetype/dejavu' $Font))
    $paint.TextSize = $Size
    $paint.IsAntialias = $true
    for ($i = 0; $i -lt $lines.Count; $i++) { $canvas.DrawText($lines[$i], $Size, $Size * 1.5 + $i * $Size * 1.8, $paint) }
    $canvas.Flush()
    $image = [SkiaSharp.SKImage]::FromBitmap($bitmap)
    try { $image.Encode([SkiaSharp.SKEncodedImageFormat]::Png, 90).ToArray() }
    finally { $image.Dispose(); $paint.Dispose(); $canvas.Dispose(); $bitmap.Dispose() }
}

function Get-WordRecall {
    param([string] $Expected, [string] $Text)
    $found = @($Text -split '\W+' | Where-Object { $_ }) 
    $wanted = @($Expected -split '\W+' | Where-Object { $_ })
    @($wanted | Where-Object { $found -contains $_ }).Count / $wanted.Count
}

if (-not ('MuseumSyncPester.NativeResolver' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace MuseumSyncPester
{
/// <summary>Points an assembly's DllImports at one native library file.</summary>
public static class NativeResolver
{
    public static void Register(Assembly assembly, string path)
    {
        var handle = NativeLibrary.Load(path);
        NativeLibrary.SetDllImportResolver(assembly, (name, a, p) => handle);
    }
}
}
'@
}

Export-ModuleMember -Function New-TextImage, Get-WordRecall
