using System.Runtime.InteropServices;
using System.Security;

namespace MuseumSync.Auth;

/// <summary>
/// A secret value (API key, token, client secret). It never prints itself: <see cref="ToString"/> is <c>***</c>, so a
/// secret that ends up in a log line, an error or a serialised object shows nothing. The text is read only when a
/// request is sent.
/// </summary>
internal sealed class Secret
{
    private readonly char[] _value;

    private Secret(char[] value, string origin)
    {
        _value = value;
        Origin = origin;
    }

    /// <summary>Where the secret came from, for messages (<c>SecureString</c>, <c>environment variable MET_KEY</c>); never the value.</summary>
    public string Origin { get; }

    /// <summary>The length of the secret (0 when empty).</summary>
    public int Length => _value.Length;

    /// <summary>Copies a <see cref="SecureString"/> (what <c>PSCredential</c> and <c>Read-Host -AsSecureString</c> give).</summary>
    public static Secret FromSecureString(SecureString value, string origin = "SecureString")
    {
        ArgumentNullException.ThrowIfNull(value);
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
        try
        {
            var chars = new char[value.Length];
            Marshal.Copy(ptr, chars, 0, chars.Length);
            return new Secret(chars, origin);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }

    /// <summary>Reads the secret from an environment variable; throws when it is not set, naming the variable (never a value).</summary>
    public static Secret FromEnvironment(string variableName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variableName);
        var value = Environment.GetEnvironmentVariable(variableName);
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The environment variable '{variableName}' is not set or is empty; set it to the secret (for example $env:{variableName} = '…') or pass the secret as a SecureString.", nameof(variableName));
        }
        return new Secret(value.ToCharArray(), $"environment variable {variableName}");
    }

    /// <summary>For tests and for values that already come from a secret store; prefer the other factories.</summary>
    internal static Secret FromPlainText(string value, string origin = "text") => new(value.ToCharArray(), origin);

    /// <summary>The secret as text, only for putting it on the wire.</summary>
    internal string Reveal() => new(_value);

    /// <inheritdoc />
    public override string ToString() => "***";
}
