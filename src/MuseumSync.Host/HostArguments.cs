namespace MuseumSync.Host;

/// <summary>
/// The parsed command line of the host: host options, the script to run (a file or
/// <c>-Command</c> text) and the arguments to bind to that script.
/// </summary>
/// <remarks>
/// Syntax: <c>MuseumSync.Host [--module PATH] (SCRIPT.ps1 | -Command TEXT) [script arguments...]</c>.
/// Host options are only recognised before the script path (or the <c>-Command</c> text);
/// everything after it belongs to the script.
/// </remarks>
internal sealed class HostArguments
{
    private HostArguments(
        bool showHelp,
        string? modulePath,
        string? scriptPath,
        string? commandText,
        IReadOnlyList<ScriptArgument> scriptArguments)
    {
        ShowHelp = showHelp;
        ModulePath = modulePath;
        ScriptPath = scriptPath;
        CommandText = commandText;
        ScriptArguments = scriptArguments;
    }

    /// <summary>Gets a value indicating whether <c>--help</c> was given.</summary>
    public bool ShowHelp { get; }

    /// <summary>Gets the module manifest (or folder) given with <c>--module</c>, if any.</summary>
    public string? ModulePath { get; }

    /// <summary>Gets the path of the script file to run, if a file was given.</summary>
    public string? ScriptPath { get; }

    /// <summary>Gets the script text given with <c>-Command</c>, if any.</summary>
    public string? CommandText { get; }

    /// <summary>Gets the arguments to bind to the script, in order.</summary>
    public IReadOnlyList<ScriptArgument> ScriptArguments { get; }

    /// <summary>The usage text printed by <c>--help</c>.</summary>
    public const string Usage =
        """
        MuseumSync.Host - runs a PowerShell script with the MuseumSync module imported (no pwsh needed).

        Usage:
          MuseumSync.Host [--module PATH] SCRIPT.ps1 [script arguments...]
          MuseumSync.Host [--module PATH] -Command "SCRIPT TEXT" [script arguments...]
          MuseumSync.Host --help

        Host options (only before the script path or -Command):
          --module PATH      The MuseumSync module manifest (.psd1) or folder to import.
                             Default: $MUSEUMSYNC_MODULE_PATH, else out/MuseumSync/MuseumSync.psd1
                             searched upward from the host's folder and the current directory.
          -Command TEXT      Run TEXT instead of a script file (aliases: -c, --command).
          -File PATH         Same as giving PATH as the script (aliases: -f, --file).
          --help             Show this help (aliases: -h, -?).

        Script arguments:
          -Name value        Named parameter (values are strings; PowerShell converts them).
          -Name:value        Named parameter, value attached (-Switch:$false turns a switch off).
          -Switch            A switch (when followed by another -Name or by nothing).
          value              Positional argument.
          --                 Everything after it is positional.

        Exit codes: 0 success, N from 'exit N', 1 terminating error or host failure,
                    2 bad host arguments, 130 stopped (Ctrl+C / SIGTERM).
        """;

    /// <summary>Parses the host's command line.</summary>
    /// <param name="args">The arguments given to the process.</param>
    /// <returns>The parsed arguments.</returns>
    /// <exception cref="HostArgumentException">The command line is not valid.</exception>
    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);

        string? modulePath = null;
        int index = 0;
        while (index < args.Count)
        {
            string token = args[index];
            if (IsOption(token, "--help", "-h", "-?", "/?", "-help"))
            {
                return new HostArguments(true, modulePath, null, null, []);
            }

            if (TrySplitLongOption(token, "--module", out string? attached))
            {
                modulePath = attached ?? TakeValue(args, ref index, "--module");
                if (modulePath.Length == 0)
                {
                    throw new HostArgumentException("--module needs a non-empty path.");
                }

                index++;
                continue;
            }

            if (IsOption(token, "-Command", "--command", "-c"))
            {
                string text = TakeValue(args, ref index, token);
                return new HostArguments(false, modulePath, null, text, ParseScriptArguments(args, index + 1));
            }

            if (IsOption(token, "-File", "--file", "-f"))
            {
                string path = TakeValue(args, ref index, token);
                return CreateForFile(modulePath, path, args, index + 1);
            }

            if (token == "--")
            {
                if (index + 1 >= args.Count)
                {
                    throw new HostArgumentException("Expected a script path after '--'.");
                }

                return CreateForFile(modulePath, args[index + 1], args, index + 2);
            }

            if (token.Length > 1 && token[0] == '-')
            {
                throw new HostArgumentException($"Unknown host option '{token}'. Host options go before the script path; see --help.");
            }

            return CreateForFile(modulePath, token, args, index + 1);
        }

        throw new HostArgumentException("No script given: pass a script path or -Command TEXT (see --help).");
    }

    /// <summary>
    /// Parses the arguments meant for the script, following pwsh <c>-File</c> conventions.
    /// </summary>
    /// <param name="args">All arguments.</param>
    /// <param name="start">The index of the first script argument.</param>
    /// <returns>The script arguments in order.</returns>
    public static IReadOnlyList<ScriptArgument> ParseScriptArguments(IReadOnlyList<string> args, int start)
    {
        ArgumentNullException.ThrowIfNull(args);

        var result = new List<ScriptArgument>();
        bool onlyPositional = false;
        for (int i = start; i < args.Count; i++)
        {
            string token = args[i];
            if (onlyPositional)
            {
                result.Add(ScriptArgument.Positional(token));
                continue;
            }

            if (token == "--")
            {
                onlyPositional = true;
                continue;
            }

            if (!IsParameterName(token))
            {
                result.Add(ScriptArgument.Positional(token));
                continue;
            }

            int colon = token.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                string name = token[1..colon];
                string value = token[(colon + 1)..];
                result.Add(value switch
                {
                    "$true" => ScriptArgument.Switch(name, true),
                    "$false" => ScriptArgument.Switch(name, false),
                    _ => ScriptArgument.Named(name, value),
                });
                continue;
            }

            string parameterName = token[1..];
            if (i + 1 < args.Count && !IsParameterName(args[i + 1]) && args[i + 1] != "--")
            {
                result.Add(ScriptArgument.Named(parameterName, args[i + 1]));
                i++;
            }
            else
            {
                result.Add(ScriptArgument.Switch(parameterName, true));
            }
        }

        return result;
    }

    /// <summary>
    /// Tells whether a token names a parameter: a dash followed by a letter, '_' or '?'
    /// (so negative numbers such as <c>-3</c> stay values).
    /// </summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when the token is a parameter name.</returns>
    public static bool IsParameterName(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length < 2 || token[0] != '-')
        {
            return false;
        }

        char first = token[1];
        return char.IsLetter(first) || first == '_' || first == '?';
    }

    private static HostArguments CreateForFile(string? modulePath, string path, IReadOnlyList<string> args, int start)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new HostArgumentException("The script path is empty.");
        }

        return new HostArguments(false, modulePath, path, null, ParseScriptArguments(args, start));
    }

    private static bool IsOption(string token, params string[] names)
    {
        foreach (string name in names)
        {
            if (string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TrySplitLongOption(string token, string name, out string? attachedValue)
    {
        attachedValue = null;
        if (string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (token.Length > name.Length
            && token.StartsWith(name, StringComparison.OrdinalIgnoreCase)
            && token[name.Length] is '=' or ':')
        {
            attachedValue = token[(name.Length + 1)..];
            return true;
        }

        return false;
    }

    private static string TakeValue(IReadOnlyList<string> args, ref int index, string option)
    {
        if (index + 1 >= args.Count)
        {
            throw new HostArgumentException($"{option} needs a value.");
        }

        index++;
        return args[index];
    }
}

/// <summary>One argument for the script: a named value, a switch, or a positional value.</summary>
/// <param name="Name">The parameter name without the dash, or <see langword="null"/> for a positional argument.</param>
/// <param name="Value">The value: a string, or a <see cref="bool"/> for a switch.</param>
internal sealed record ScriptArgument(string? Name, object Value)
{
    /// <summary>Gets a value indicating whether this is a switch (its value is a <see cref="bool"/>).</summary>
    public bool IsSwitch => Name is not null && Value is bool;

    /// <summary>Creates a named argument.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value as given.</param>
    /// <returns>The argument.</returns>
    public static ScriptArgument Named(string name, string value) => new(name, value);

    /// <summary>Creates a switch argument.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="isPresent">Whether the switch is on.</param>
    /// <returns>The argument.</returns>
    public static ScriptArgument Switch(string name, bool isPresent) => new(name, isPresent);

    /// <summary>Creates a positional argument.</summary>
    /// <param name="value">The value as given.</param>
    /// <returns>The argument.</returns>
    public static ScriptArgument Positional(string value) => new(null, value);
}

/// <summary>The host's command line is not valid.</summary>
internal sealed class HostArgumentException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="HostArgumentException"/> class.</summary>
    public HostArgumentException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HostArgumentException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public HostArgumentException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HostArgumentException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public HostArgumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
