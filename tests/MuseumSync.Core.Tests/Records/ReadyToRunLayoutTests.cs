using System.Numerics;
using System.Reflection;

namespace MuseumSync.Core.Tests.Records;

/// <summary>
/// crossgen2 compiles no ReadyToRun code for a method whose signature holds a type with an ABI-unstable layout: a
/// type with an Int128, UInt128 or Vector&lt;T&gt; instance field, directly or inside a struct field. Each assembly is
/// its own version bubble, so one such field on a type of MuseumSync.Types (MuseumRecord) or MuseumSync.Core left every
/// method that takes it, and every method that calls one, to the JIT in every run (issue #18).
/// </summary>
public sealed class ReadyToRunLayoutTests
{
    public static TheoryData<string> Assemblies => new() { "MuseumSync.Types", "MuseumSync.Core" };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void InstanceFields_OfEveryType_KeepTheLayoutReadyToRunCanCompileAgainst(string assemblyName)
    {
        var assembly = assemblyName == "MuseumSync.Types" ? typeof(MuseumRecord).Assembly : typeof(MuseumSync.Storage.RecordHash).Assembly;
        Assert.Equal(assemblyName, assembly.GetName().Name);

        var offenders = assembly.GetTypes()
            .Where(t => !t.IsGenericTypeDefinition)
            .SelectMany(t => UnstableFields(t, t.FullName ?? t.Name, depth: 0))
            .ToList();

        Assert.True(offenders.Count == 0, "ABI-unstable fields (keep a 128-bit value in two ulongs): " + string.Join(", ", offenders));
    }

    [Fact]
    public void UnstableFields_FindsAUInt128FieldInsideAStructField()
    {
        Assert.Equal(["Holder.Inner.Value"], UnstableFields(typeof(Holder), "Holder", depth: 0));
    }

    private static IEnumerable<string> UnstableFields(Type type, string path, int depth)
    {
        const BindingFlags instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        if (depth > 8) yield break;
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(instance))
            {
                var ft = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
                var fieldPath = path + "." + field.Name;
                if (IsUnstable(ft))
                {
                    yield return fieldPath;
                }
                else if (ft.IsValueType && !ft.IsPrimitive && !ft.IsEnum && !ft.IsPointer)
                {
                    foreach (var inner in UnstableFields(ft, fieldPath, depth + 1)) yield return inner;
                }
            }
            if (type.IsValueType) break;
        }
    }

    private static bool IsUnstable(Type t) =>
        t == typeof(Int128) || t == typeof(UInt128) || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Vector<>));

#pragma warning disable CS0649 // the fields are only read by reflection
    private struct Inner
    {
        public UInt128 Value;
    }

    private sealed class Holder
    {
        public Inner Inner;
    }
#pragma warning restore CS0649
}
