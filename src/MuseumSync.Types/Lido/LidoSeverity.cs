namespace MuseumSync.Lido;

/// <summary>How much a finding matters: an <see cref="Error"/> makes the record invalid, a <see cref="Warning"/> does not.</summary>
public enum LidoSeverity
{
    /// <summary>Worth fixing; the record still counts as valid.</summary>
    Warning = 1,

    /// <summary>The record is invalid.</summary>
    Error = 2,
}
