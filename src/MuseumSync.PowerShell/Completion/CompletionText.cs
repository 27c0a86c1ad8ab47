using System.Management.Automation;
using System.Management.Automation.Language;

namespace MuseumSync.PowerShell.Completion;

/// <summary>
/// What every MuseumSync completer does with its candidates: keeps those that match what was typed (a prefix, wildcards
/// allowed, any case; an opening quote is ignored), sorts them, and quotes the ones PowerShell would not read as one bare word.
/// </summary>
internal static class CompletionText
{
    /// <summary>The completions of <paramref name="wordToComplete"/> among <paramref name="candidates"/> (value and tooltip), in name order.</summary>
    public static List<CompletionResult> Complete(string? wordToComplete, IEnumerable<KeyValuePair<string, string>> candidates)
    {
        var (typed, quote) = Unquote(wordToComplete ?? string.Empty);
        var matches = Matcher(typed);
        var results = new List<CompletionResult>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var candidate in candidates.OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(candidate.Key) || !seen.Add(candidate.Key) || !matches(candidate.Key)) continue;
            var tip = string.IsNullOrWhiteSpace(candidate.Value) ? candidate.Key : candidate.Value;
            results.Add(new CompletionResult(Quote(candidate.Key, quote), candidate.Key, CompletionResultType.ParameterValue, tip));
        }
        return results;
    }

    /// <summary>The text to insert for <paramref name="value"/>: as it is when it is one bare word, else in quotes (the user's quote when one was typed).</summary>
    public static string Quote(string value, char? typedQuote = null)
    {
        if (typedQuote is null && !NeedsQuotes(value)) return value;
        if (typedQuote is { } q && IsDoubleQuote(q) && value.IndexOfAny(['$', '`', '"', '\u201C', '\u201D', '\u201E']) < 0)
        {
            return "\"" + value + "\"";
        }
        return "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
    }

    /// <summary>True when PowerShell would not read <paramref name="value"/> as one bare-word argument.</summary>
    public static bool NeedsQuotes(string value)
    {
        if (value.Length == 0) return true;
        if (value[0] is '-' or '@' or '#' or '<' or '>' or '[' || IsDash(value[0])) return true;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || c is '\'' or '"' or '`' or '$' or '&' or '(' or ')' or '{' or '}' or '|' or ';' or ',' || IsSingleQuote(c) || IsDoubleQuote(c))
            {
                return true;
            }
        }
        return false;
    }

    private static (string Typed, char? Quote) Unquote(string word)
    {
        if (word.Length == 0 || !(IsSingleQuote(word[0]) || IsDoubleQuote(word[0]))) return (word, null);
        var quote = word[0];
        var inner = word[1..];
        if (inner.Length > 0 && (IsSingleQuote(quote) ? IsSingleQuote(inner[^1]) : IsDoubleQuote(inner[^1]))) inner = inner[..^1];
        if (IsSingleQuote(quote)) inner = inner.Replace("''", "'", StringComparison.Ordinal);
        return (inner, IsSingleQuote(quote) ? '\'' : '"');
    }

    private static Func<string, bool> Matcher(string typed)
    {
        if (typed.Length == 0) return _ => true;
        if (WildcardPattern.ContainsWildcardCharacters(typed))
        {
            try
            {
                var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                pattern.IsMatch(string.Empty); // a malformed pattern ("met[") throws here, not later
                return pattern.IsMatch;
            }
            catch (WildcardPatternException)
            {
                // Not a pattern after all: match the text as typed.
            }
        }
        return value => value.StartsWith(typed, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';

    private static bool IsDoubleQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\u201E';

    private static bool IsDash(char c) => c is '\u2013' or '\u2014' or '\u2015';
}
