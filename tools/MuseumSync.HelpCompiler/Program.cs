using System.Globalization;
using MuseumSync.HelpCompiler;

// dotnet MuseumSync.HelpCompiler.dll --docs DIR --out DIR [--help-file NAME] [--module NAME] [--min-examples N]
// Errors are written in the canonical "file(line): error CODE: text" form, so MSBuild's Exec shows them as build errors.
string? docs = null, output = null;
var options = new HelpCompilerOptions();
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--docs": docs = Next(); break;
        case "--out": output = Next(); break;
        case "--help-file": options = new HelpCompilerOptions { HelpFileName = Next(), ModuleName = options.ModuleName, MinimumExamples = options.MinimumExamples }; break;
        case "--module": options = new HelpCompilerOptions { HelpFileName = options.HelpFileName, ModuleName = Next(), MinimumExamples = options.MinimumExamples }; break;
        case "--min-examples": options = new HelpCompilerOptions { HelpFileName = options.HelpFileName, ModuleName = options.ModuleName, MinimumExamples = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
        default:
            Console.Error.WriteLine($"error MSH0001: Unknown argument '{args[i]}'. Usage: --docs DIR --out DIR [--help-file NAME] [--module NAME] [--min-examples N]");
            return 2;
    }
}
if (docs is null || output is null)
{
    Console.Error.WriteLine("error MSH0001: Usage: --docs DIR --out DIR [--help-file NAME] [--module NAME] [--min-examples N]");
    return 2;
}

var result = HelpCompilation.Compile(Path.GetFullPath(docs), Path.GetFullPath(output), options);
foreach (var error in result.Errors)
{
    Console.Out.WriteLine(error.Line > 0
        ? $"{error.File}({error.Line}): error MSH0002: {error.Problem}"
        : $"{error.File}: error MSH0002: {error.Problem}");
}
if (result.Errors.Count > 0)
{
    Console.Out.WriteLine($"Help not compiled: {result.Errors.Count} malformed document(s) in {docs}.");
    return 1;
}
Console.Out.WriteLine($"Help: {result.Commands} commands, {result.Topics} about topics -> {Path.GetFullPath(output)}");
return 0;
