namespace MuseumSync.Lido;

/// <summary>The LIDO schema could not be found, downloaded or compiled; the message says how to supply it.</summary>
public sealed class LidoSchemaUnavailableException : MuseumSyncException
{
    /// <summary>Creates the exception.</summary>
    public LidoSchemaUnavailableException() { }

    /// <summary>Creates the exception.</summary>
    public LidoSchemaUnavailableException(string message) : base(message, "LidoSchemaUnavailable", isTransient: false) { }

    /// <summary>Creates the exception.</summary>
    public LidoSchemaUnavailableException(string message, Exception? inner) : base(message, "LidoSchemaUnavailable", isTransient: false, inner) { }

    /// <summary>Creates the exception.</summary>
    public LidoSchemaUnavailableException(string message, bool isTransient, Exception? inner) : base(message, "LidoSchemaUnavailable", isTransient, inner) { }
}
