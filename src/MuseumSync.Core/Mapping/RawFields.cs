namespace MuseumSync.Mapping;

/// <summary>What one JSON record said for each mapped field, before validation.</summary>
internal struct RawFields
{
    public const int Count = 10;

    /// <summary>Text of each field (strings as they are, numbers and booleans as their JSON text); null when absent or JSON null.</summary>
    public string?[] Values;

    /// <summary>The field was present (even when null).</summary>
    public bool[] Present;

    /// <summary>The field held an object or array where a scalar was expected.</summary>
    public bool[] WrongShape;

    /// <summary>The field held a JSON number.</summary>
    public bool[] WasNumber;

    /// <summary>Set when the text was not a JSON object.</summary>
    public string? JsonError;

    public static RawFields Create() => new()
    {
        Values = new string?[Count],
        Present = new bool[Count],
        WrongShape = new bool[Count],
        WasNumber = new bool[Count],
    };

    public readonly string? this[MappedField f] => Values[(int)f];

    /// <summary>Back to the state <see cref="Create"/> returns, keeping the arrays.</summary>
    public void Clear()
    {
        Array.Clear(Values);
        Array.Clear(Present);
        Array.Clear(WrongShape);
        Array.Clear(WasNumber);
        JsonError = null;
    }
}
