namespace MuseumSync.Compliance;

/// <summary>A compliance rule file or rule set is invalid; the message names the file, the key and the fix.</summary>
public sealed class ComplianceRulesException : MuseumSyncException
{
    /// <summary>Creates the exception.</summary>
    public ComplianceRulesException() { }

    /// <summary>Creates the exception.</summary>
    public ComplianceRulesException(string message) : base(message, "ComplianceRulesInvalid", isTransient: false) { }

    /// <summary>Creates the exception.</summary>
    public ComplianceRulesException(string message, Exception? inner) : base(message, "ComplianceRulesInvalid", isTransient: false, inner) { }
}
