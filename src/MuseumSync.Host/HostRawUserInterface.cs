using System.Management.Automation;
using System.Management.Automation.Host;

namespace MuseumSync.Host;

/// <summary>
/// A minimal raw UI for a non-interactive host: it reports a buffer width (from the terminal when
/// stdout is one, else 120 columns) so that formatting works, and does not support reading keys or
/// the screen buffer.
/// </summary>
internal sealed class HostRawUserInterface : PSHostRawUserInterface
{
    /// <summary>The width used when stdout is not a terminal.</summary>
    public const int DefaultWidth = 120;

    private const int BufferHeight = 9999;

    private Size _bufferSize;
    private Size _windowSize;
    private Coordinates _cursorPosition;
    private Coordinates _windowPosition;

    /// <summary>Initializes a new instance of the <see cref="HostRawUserInterface"/> class.</summary>
    /// <param name="width">The buffer width in columns.</param>
    /// <param name="height">The window height in rows.</param>
    public HostRawUserInterface(int width, int height)
    {
        width = width > 0 ? width : DefaultWidth;
        height = height > 0 ? height : 50;
        _bufferSize = new Size(width, BufferHeight);
        _windowSize = new Size(width, height);
    }

    /// <summary>Creates the raw UI for the current console.</summary>
    /// <returns>The raw UI.</returns>
    public static HostRawUserInterface CreateForConsole()
    {
        int width = DefaultWidth;
        int height = 50;
        if (!Console.IsOutputRedirected)
        {
            try
            {
                width = Console.WindowWidth;
                height = Console.WindowHeight;
            }
            catch (IOException)
            {
                // No usable terminal after all: keep the defaults.
            }
            catch (PlatformNotSupportedException)
            {
                // Same.
            }
        }

        return new HostRawUserInterface(width, height);
    }

    /// <inheritdoc/>
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    /// <inheritdoc/>
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    /// <inheritdoc/>
    public override Size BufferSize
    {
        get => _bufferSize;
        set => _bufferSize = value;
    }

    /// <inheritdoc/>
    public override Coordinates CursorPosition
    {
        get => _cursorPosition;
        set => _cursorPosition = value;
    }

    /// <inheritdoc/>
    public override int CursorSize { get; set; } = 25;

    /// <inheritdoc/>
    public override bool KeyAvailable => false;

    /// <inheritdoc/>
    public override Size MaxPhysicalWindowSize => _windowSize;

    /// <inheritdoc/>
    public override Size MaxWindowSize => _windowSize;

    /// <inheritdoc/>
    public override Coordinates WindowPosition
    {
        get => _windowPosition;
        set => _windowPosition = value;
    }

    /// <inheritdoc/>
    public override Size WindowSize
    {
        get => _windowSize;
        set => _windowSize = value;
    }

    /// <inheritdoc/>
    public override string WindowTitle { get; set; } = "MuseumSync.Host";

    /// <inheritdoc/>
    public override void FlushInputBuffer()
    {
    }

    /// <inheritdoc/>
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
        throw NotSupported("reading the screen buffer");

    /// <inheritdoc/>
    public override KeyInfo ReadKey(ReadKeyOptions options) =>
        throw NotSupported("reading keys");

    /// <inheritdoc/>
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
        // Nothing to scroll: output is a stream.
    }

    /// <inheritdoc/>
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
        // Nothing to draw on: output is a stream.
    }

    /// <inheritdoc/>
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
        // Nothing to draw on: output is a stream.
    }

    private static PSInvalidOperationException NotSupported(string what) =>
        new($"MuseumSync.Host is a non-interactive host: {what} is not supported.");
}
