using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;

namespace MuseumSync.Host;

/// <summary>
/// Formats errors like pwsh's concise error view: <c>Command: message</c>, and for an error in a
/// script the file and line with the offending code.
/// </summary>
internal static class ErrorRecordFormatter
{
    /// <summary>Formats an exception that ended the invocation.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The text to print (may span lines).</returns>
    public static string Format(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is ParseException parse && parse.Errors is { Length: > 0 } errors)
        {
            return string.Join(Environment.NewLine, errors.Select(FormatParseError));
        }

        if (exception is IContainsErrorRecord { ErrorRecord: { } record })
        {
            return Format(record);
        }

        return exception.GetType().Name + ": " + exception.Message;
    }

    /// <summary>Formats an error record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The text to print (may span lines).</returns>
    public static string Format(ErrorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string message = GetMessage(record);
        InvocationInfo? invocation = record.InvocationInfo;
        string prefix = GetPrefix(record);

        bool isScriptModule = invocation?.ScriptName?.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase) == true;
        bool hasPosition = invocation is not null
            && invocation.ScriptLineNumber > 0
            && (!string.IsNullOrEmpty(invocation.ScriptName) || invocation.ScriptLineNumber > 1)
            && !isScriptModule;
        if (!hasPosition)
        {
            return prefix + message;
        }

        string location = string.IsNullOrEmpty(invocation!.ScriptName)
            ? "line " + invocation.ScriptLineNumber.ToString(CultureInfo.InvariantCulture)
            : invocation.ScriptName + ":" + invocation.ScriptLineNumber.ToString(CultureInfo.InvariantCulture);
        (string code, string underline) = GetCodeAndUnderline(invocation);
        return FormatBlock(prefix + location, invocation.ScriptLineNumber, code, underline, message);
    }

    private static string FormatParseError(ParseError error)
    {
        IScriptExtent extent = error.Extent;
        string location = string.IsNullOrEmpty(extent.File)
            ? "line " + extent.StartLineNumber.ToString(CultureInfo.InvariantCulture)
            : extent.File + ":" + extent.StartLineNumber.ToString(CultureInfo.InvariantCulture);
        string line = extent.StartScriptPosition.Line ?? string.Empty;
        int start = Math.Max(0, extent.StartColumnNumber - 1);
        int length = extent.StartLineNumber == extent.EndLineNumber
            ? Math.Max(1, extent.EndColumnNumber - extent.StartColumnNumber)
            : Math.Max(1, line.Length - start);
        string underline = new string(' ', Math.Min(start, line.Length)) + new string('~', length);
        return FormatBlock("ParserError: " + location, extent.StartLineNumber, line.TrimEnd(), underline, error.Message);
    }

    private static string FormatBlock(string header, int lineNumber, string code, string underline, string message)
    {
        var text = new StringBuilder();
        string number = lineNumber.ToString(CultureInfo.InvariantCulture).PadLeft(4);
        string gutter = new(' ', number.Length);
        text.AppendLine(header);
        text.Append("Line".PadRight(number.Length)).AppendLine(" |");
        if (code.Length > 0)
        {
            text.Append(number).Append(" | ").AppendLine(code);
        }

        if (underline.Trim().Length > 0)
        {
            text.Append(gutter).Append(" | ").AppendLine(underline.TrimEnd());
        }

        string[] messageLines = message.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < messageLines.Length; i++)
        {
            text.Append(gutter).Append(" | ").Append(messageLines[i]);
            if (i < messageLines.Length - 1)
            {
                text.AppendLine();
            }
        }

        return text.ToString();
    }

    private static string GetMessage(ErrorRecord record)
    {
        string? details = record.ErrorDetails?.Message;
        string message = !string.IsNullOrWhiteSpace(details) ? details : record.Exception?.Message ?? record.ToString();
        return message.TrimEnd();
    }

    /// <summary>The "reason" in front of the message, chosen as pwsh's concise view does.</summary>
    private static string GetPrefix(ErrorRecord record)
    {
        if (record.Exception is RuntimeException { WasThrownFromThrowStatement: true })
        {
            return "Exception: ";
        }

        CommandInfo? command = record.InvocationInfo?.MyCommand;
        if (command is not null && command.CommandType != CommandTypes.Script && !string.IsNullOrEmpty(command.Name))
        {
            return command.Name + ": ";
        }

        if (record.CategoryInfo.Category == ErrorCategory.ParserError)
        {
            return "ParserError: ";
        }

        return !string.IsNullOrEmpty(record.CategoryInfo.Activity) ? record.CategoryInfo.Activity + ": " : "Error: ";
    }

    /// <summary>
    /// Takes the code line and the '~' underline from <see cref="InvocationInfo.PositionMessage"/>,
    /// which looks like "At FILE:LINE char:N", "+ CODE", "+ ~~~~".
    /// </summary>
    private static (string Code, string Underline) GetCodeAndUnderline(InvocationInfo invocation)
    {
        string[] lines = (invocation.PositionMessage ?? string.Empty).ReplaceLineEndings("\n").Split('\n');
        var plusLines = lines.Where(l => l.StartsWith('+')).Select(l => l.Length > 2 ? l[2..] : string.Empty).ToList();
        if (plusLines.Count == 0)
        {
            return ((invocation.Line ?? string.Empty).TrimEnd(), string.Empty);
        }

        string last = plusLines[^1];
        bool lastIsUnderline = last.Length > 0 && last.All(c => c is ' ' or '~');
        string code = plusLines[0].TrimEnd();
        string underline = lastIsUnderline && plusLines.Count > 1 ? last : string.Empty;
        return (code, underline);
    }
}
