using System.Management.Automation;
using MuseumSync.Lido;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Writes MuseumSync records as LIDO 1.1 XML (help: docs/ConvertTo-LidoXml.md).</summary>
[Cmdlet(VerbsData.ConvertTo, "LidoXml", DefaultParameterSetName = RecordSet)]
[OutputType(typeof(string), ParameterSetName = new[] { RecordSet, WrapSet })]
[OutputType(typeof(FileInfo), ParameterSetName = new[] { FileSet })]
public sealed class ConvertToLidoXmlCommand : PSCmdlet, IDisposable
{
    /// <summary>One lido:lido document per record.</summary>
    public const string RecordSet = "Record";

    /// <summary>One lido:lidoWrap string of all records.</summary>
    public const string WrapSet = "Wrap";

    /// <summary>One lido:lidoWrap file of all records.</summary>
    public const string FileSet = "OutFile";

    private readonly List<MuseumRecord> _wrapped = new();
    private LidoWriterOptions _options = null!;
    private FileStream? _file;
    private LidoWriter? _fileWriter;
    private string? _target;
    private string? _temp;

    /// <summary>The record (from Invoke-MuseumPoll).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public MuseumRecord InputObject { get; set; } = null!;

    /// <summary>Collect every record into one lido:lidoWrap string.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WrapSet)]
    public SwitchParameter Wrap { get; set; }

    /// <summary>Stream every record into one lido:lidoWrap file.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string OutFile { get; set; } = null!;

    /// <summary>The work type LIDO requires (a record carries none).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string WorkType { get; set; } = "Object";

    /// <summary>The xml:lang of the metadata; "und" (undetermined) by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Language { get; set; } = "und";

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _options = new LidoWriterOptions { WorkType = WorkType, Language = Language };
        try
        {
            _options.Validate();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "LidoOptionsInvalid", ErrorCategory.InvalidArgument, Language));
        }
        if (ParameterSetName == FileSet) _target = CmdletPaths.Resolve(this, OutFile);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (LidoWriter.CannotWrite(InputObject) is { } reason)
        {
            WriteError(new ErrorRecord(new InvalidDataException($"{reason} It was left out."), "LidoConversionNotPossible", ErrorCategory.InvalidData, InputObject));
            return;
        }
        switch (ParameterSetName)
        {
            case WrapSet:
                _wrapped.Add(InputObject);
                break;
            case FileSet:
                if (_fileWriter is null)
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_target!)!);
                    _temp = _target + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
                    _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
                    _fileWriter = new LidoWriter(_file, _options, wrap: true);
                }
                _fileWriter.Write(InputObject);
                break;
            default:
                WriteObject(LidoWriter.ToXml(InputObject, _options));
                break;
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName == WrapSet && _wrapped.Count > 0)
        {
            WriteObject(LidoWriter.ToXml(_wrapped, _options));
        }
        else if (ParameterSetName == FileSet)
        {
            if (_fileWriter is null)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"No record could be written, so '{_target}' was not created."), "LidoNothingWritten", ErrorCategory.InvalidData, _target));
                return;
            }
            _fileWriter.Complete();
            _fileWriter.Dispose();
            _file!.Dispose();
            _fileWriter = null;
            File.Move(_temp!, _target!, overwrite: true);
            _temp = null;
            WriteObject(new FileInfo(_target!));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _fileWriter?.Dispose();
        _file?.Dispose();
        if (_temp is not null && File.Exists(_temp)) File.Delete(_temp);
    }
}
