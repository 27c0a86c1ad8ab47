using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Sets a cmdlet's parameters from a config file's hashtable, as PowerShell's binder would: by parameter name (any
/// case), converted with PowerShell's own conversions, and checked against the parameter's own ValidateRange,
/// ValidateSet and ValidateNotNullOrEmpty attributes. So a key in <c>sync.psd1</c> means exactly what the parameter
/// of the same name means on the command line, with the same limits.
/// </summary>
internal static class ParameterBag
{
    /// <summary>The parameter property of <paramref name="type"/> called <paramref name="name"/> (any case), or null.</summary>
    public static PropertyInfo? Find(Type type, string name)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property?.GetCustomAttributes<ParameterAttribute>().Any() == true ? property : null;
    }

    /// <summary>Sets <paramref name="property"/> of <paramref name="target"/> to <paramref name="value"/>; the message of the ArgumentException says where and how to fix it.</summary>
    public static void Set(object target, PropertyInfo property, object? value, string where)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(property);
        object? converted;
        try
        {
            converted = property.PropertyType == typeof(SwitchParameter)
                ? new SwitchParameter(LanguagePrimitives.IsTrue(value))
                : LanguagePrimitives.ConvertTo(value, property.PropertyType, CultureInfo.InvariantCulture);
        }
        catch (PSInvalidCastException ex)
        {
            throw new ArgumentException($"{where}: {property.Name} = '{value}' is not a {Describe(property.PropertyType)} ({ex.Message}).", ex);
        }
        foreach (var attribute in property.GetCustomAttributes())
        {
            switch (attribute)
            {
                case ValidateNotNullOrEmptyAttribute when converted is null || converted is string { Length: 0 }:
                    throw new ArgumentException($"{where}: {property.Name} is empty; give it a value or leave the key out.");
                case ValidateNotNullAttribute when converted is null:
                    throw new ArgumentException($"{where}: {property.Name} is $null; give it a value or leave the key out.");
                case ValidateRangeAttribute range when converted is IComparable c && range.MinRange is not null && range.MaxRange is not null:
                    var min = LanguagePrimitives.ConvertTo(range.MinRange, converted.GetType(), CultureInfo.InvariantCulture);
                    var max = LanguagePrimitives.ConvertTo(range.MaxRange, converted.GetType(), CultureInfo.InvariantCulture);
                    if (c.CompareTo(min) < 0 || c.CompareTo(max) > 0)
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{where}: {property.Name} = {converted} is out of range; use {range.MinRange} to {range.MaxRange}."));
                    }
                    break;
                case ValidateSetAttribute set when converted is string text:
                    var comparison = set.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                    if (!set.ValidValues.Any(v => string.Equals(v, text, comparison)))
                    {
                        throw new ArgumentException($"{where}: {property.Name} = '{text}' is not one of {string.Join(", ", set.ValidValues)}.");
                    }
                    break;
            }
        }
        property.SetValue(target, converted);
    }

    private static string Describe(Type type) => type == typeof(int) || type == typeof(double) ? "number"
        : type == typeof(TimeSpan) ? "time span (for example '00:10:00')"
        : type == typeof(DateTime) ? "date (ISO 8601, for example '2024-01-31T00:00:00Z')"
        : type == typeof(Hashtable) ? "hashtable"
        : type == typeof(Uri) ? "URI"
        : type.Name;
}
