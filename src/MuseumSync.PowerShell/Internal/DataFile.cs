using System.Collections;
using System.Management.Automation.Language;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Reads a PowerShell data file (<c>.psd1</c>) safely: parsed, never run (what Import-PowerShellDataFile does). The
/// file must be one hashtable literal of plain values: strings, numbers, $true/$false/$null, arrays, nested hashtables.
/// </summary>
internal static class DataFile
{
    /// <summary>The file's hashtable; <paramref name="fail"/> makes the exception for each way it can be wrong.</summary>
    /// <param name="path">The full path.</param>
    /// <param name="what">What the file is, for messages ("The sync config file").</param>
    /// <param name="shape">The expected shape, for messages ("@{ Sources = @( … ) }").</param>
    /// <param name="fail">Makes the exception to throw from a message (and an inner exception).</param>
    public static IDictionary Read(string path, string what, string shape, Func<string, Exception?, Exception> fail)
    {
        if (!File.Exists(path))
        {
            throw fail($"{what} '{path}' does not exist.", null);
        }
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            var e = errors[0];
            throw fail($"{what} '{path}' does not parse: {e.Message} (line {e.Extent.StartLineNumber}, column {e.Extent.StartColumnNumber}).", null);
        }
        var hashtable = ast.EndBlock?.Statements.Count == 1 && ast.BeginBlock is null && ast.ProcessBlock is null && ast.ParamBlock is null
            ? ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            : null;
        if (hashtable is null || hashtable.Parent?.Parent is not PipelineAst)
        {
            throw fail($"{what} '{path}' must hold exactly one hashtable, {shape}, and nothing else.", null);
        }
        if (DataFileValues.FindNonPlain(hashtable) is { } bad)
        {
            var text = bad.Value.Extent.Text.ReplaceLineEndings(" ");
            if (text.Length > 60) text = text[..60] + "…";
            throw fail($"{what} '{path}' may hold only plain values (text, numbers, $true/$false/$null, arrays and hashtables), no commands or variables: the value of '{bad.Key}' on line {bad.Value.Extent.StartLineNumber} is {bad.Kind}: {text}. The file is read as data and never run; write the value itself.", null);
        }
        try
        {
            return (IDictionary)hashtable.SafeGetValue();
        }
        catch (InvalidOperationException ex)
        {
            throw fail($"{what} '{path}' may hold only plain values (text, numbers, $true/$false, arrays and hashtables), no commands or variables: {ex.Message}", ex);
        }
    }
}
