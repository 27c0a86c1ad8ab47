using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace MuseumSync.Host;

/// <summary>
/// The host's user interface: normal output goes to stdout; errors, warnings, verbose and debug
/// messages go to stderr with pwsh's prefixes. It is non-interactive: reading input throws, and
/// choice prompts (-Confirm, ShouldContinue) are answered 'No' with a warning.
/// </summary>
/// <remarks>
/// The engine applies the preference variables ($VerbosePreference, $WarningPreference, ...)
/// before it calls this class, so everything that arrives here is meant to be shown.
/// </remarks>
internal sealed class HostUserInterface : PSHostUserInterface
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly bool _showProgress;
    private readonly HostRawUserInterface _rawUI;
    private readonly Lock _sync = new();
    private long _lastProgressTimestamp;
    private bool _progressLineVisible;

    /// <summary>Initializes a new instance of the <see cref="HostUserInterface"/> class.</summary>
    /// <param name="output">Where normal output goes.</param>
    /// <param name="error">Where errors, warnings, verbose and debug messages go.</param>
    /// <param name="rawUI">The raw UI (gives the width used for formatting).</param>
    /// <param name="showProgress">Whether to draw a one-line progress status on <paramref name="error"/> (only for a terminal).</param>
    public HostUserInterface(TextWriter output, TextWriter error, HostRawUserInterface rawUI, bool showProgress)
    {
        _out = output ?? throw new ArgumentNullException(nameof(output));
        _error = error ?? throw new ArgumentNullException(nameof(error));
        _rawUI = rawUI ?? throw new ArgumentNullException(nameof(rawUI));
        _showProgress = showProgress;
    }

    /// <summary>Creates the UI for the process's console, writing UTF-8.</summary>
    /// <returns>The UI.</returns>
    public static HostUserInterface CreateForConsole()
    {
        try
        {
            Console.OutputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
        catch (IOException)
        {
            // No console to configure (e.g. detached): the writers below still use UTF-8.
        }

        var encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var output = new StreamWriter(Console.OpenStandardOutput(), encoding) { AutoFlush = true };
        var error = new StreamWriter(Console.OpenStandardError(), encoding) { AutoFlush = true };
        return new HostUserInterface(
            TextWriter.Synchronized(output),
            TextWriter.Synchronized(error),
            HostRawUserInterface.CreateForConsole(),
            showProgress: !Console.IsErrorRedirected);
    }

    /// <inheritdoc/>
    public override PSHostRawUserInterface RawUI => _rawUI;

    /// <inheritdoc/>
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        string fields = descriptions is null ? string.Empty : string.Join(", ", descriptions.Select(d => d.Name));
        throw NotInteractive($"prompting for input ({fields})", "Pass every value as an argument, e.g. -Name value.");
    }

    /// <inheritdoc/>
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);

        int answer = -1;
        for (int i = 0; i < choices.Count; i++)
        {
            string label = choices[i].Label.Replace("&", string.Empty, StringComparison.Ordinal).Trim();
            if (string.Equals(label, "No", StringComparison.OrdinalIgnoreCase))
            {
                answer = i;
                break;
            }
        }

        if (answer < 0 && defaultChoice >= 0 && defaultChoice < choices.Count)
        {
            answer = defaultChoice;
        }

        if (answer < 0)
        {
            throw NotInteractive("asking to choose (" + caption + ")", "Avoid prompts, e.g. pass -Confirm:$false or -Force.");
        }

        string chosen = choices[answer].Label.Replace("&", string.Empty, StringComparison.Ordinal);
        string question = string.Join(" ", new[] { caption, message }.Where(s => !string.IsNullOrWhiteSpace(s)));
        WriteWarningLine($"MuseumSync.Host is non-interactive; answering '{chosen}' to: {question}");
        return answer;
    }

    /// <inheritdoc/>
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw NotInteractive("prompting for a credential", "Pass a PSCredential as an argument.");

    /// <inheritdoc/>
    public override PSCredential PromptForCredential(
        string caption,
        string message,
        string userName,
        string targetName,
        PSCredentialTypes allowedCredentialTypes,
        PSCredentialUIOptions options) =>
        throw NotInteractive("prompting for a credential", "Pass a PSCredential as an argument.");

    /// <inheritdoc/>
    public override string ReadLine() =>
        throw NotInteractive("reading input (Read-Host)", "Pass the value as an argument instead.");

    /// <inheritdoc/>
    public override SecureString ReadLineAsSecureString() =>
        throw NotInteractive("reading input (Read-Host -AsSecureString)", "Pass the value as an argument instead.");

    /// <inheritdoc/>
    public override void Write(string value) => WriteTo(_out, value, newLine: false);

    /// <inheritdoc/>
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) =>
        WriteTo(_out, value, newLine: false);

    /// <inheritdoc/>
    public override void WriteLine(string value) => WriteTo(_out, value, newLine: true);

    /// <inheritdoc/>
    public override void WriteErrorLine(string value) => WriteTo(_error, value, newLine: true);

    /// <inheritdoc/>
    public override void WriteWarningLine(string message) => WriteTo(_error, "WARNING: " + message, newLine: true);

    /// <inheritdoc/>
    public override void WriteVerboseLine(string message) => WriteTo(_error, "VERBOSE: " + message, newLine: true);

    /// <inheritdoc/>
    public override void WriteDebugLine(string message) => WriteTo(_error, "DEBUG: " + message, newLine: true);

    /// <inheritdoc/>
    /// <remarks>
    /// The engine passes every information record here (for transcripts) and, when the record is
    /// to be shown (Write-Host, or $InformationPreference = 'Continue'), also calls
    /// <see cref="Write(string)"/>/<see cref="WriteLine(string)"/>; so nothing is written here.
    /// </remarks>
    public override void WriteInformation(InformationRecord record)
    {
    }

    /// <inheritdoc/>
    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        if (!_showProgress || record is null)
        {
            return;
        }

        lock (_sync)
        {
            if (record.RecordType == ProgressRecordType.Completed)
            {
                ClearProgressLine();
                return;
            }

            long now = Stopwatch.GetTimestamp();
            if (_progressLineVisible && Stopwatch.GetElapsedTime(_lastProgressTimestamp, now) < ProgressInterval)
            {
                return;
            }

            _lastProgressTimestamp = now;
            string line = FormatProgress(record);
            int width = Math.Max(10, _rawUI.BufferSize.Width - 1);
            line = line.Length > width ? line[..width] : line.PadRight(width);
            _error.Write("\r" + line + "\r");
            _progressLineVisible = true;
        }
    }

    /// <summary>Formats a progress record as one line (for the status shown on a terminal).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The line.</returns>
    public static string FormatProgress(ProgressRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string line = record.Activity + ": " + record.StatusDescription;
        if (record.PercentComplete >= 0)
        {
            line += " " + record.PercentComplete.ToString(CultureInfo.InvariantCulture) + "%";
        }

        if (!string.IsNullOrEmpty(record.CurrentOperation))
        {
            line += " - " + record.CurrentOperation;
        }

        return line.ReplaceLineEndings(" ");
    }

    private void WriteTo(TextWriter writer, string? value, bool newLine)
    {
        // The engine leaves $PSStyle decorations (e.g. table headers) in the text; a host that
        // does not support VT sequences strips them, as pwsh does when its output is redirected.
        value = value is null ? null : GetOutputString(value, SupportsVirtualTerminal);
        lock (_sync)
        {
            ClearProgressLine();
            if (newLine)
            {
                writer.WriteLine(value);
            }
            else
            {
                writer.Write(value);
            }
        }
    }

    private void ClearProgressLine()
    {
        if (_progressLineVisible)
        {
            _error.Write("\r" + new string(' ', Math.Max(10, _rawUI.BufferSize.Width - 1)) + "\r");
            _progressLineVisible = false;
        }
    }

    private static PSInvalidOperationException NotInteractive(string what, string hint) =>
        new($"MuseumSync.Host is a non-interactive host: {what} is not supported. {hint}");
}
