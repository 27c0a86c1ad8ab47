using System.Management.Automation.Language;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// The values a data file may hold, checked on the syntax tree before any value is made: text without
/// <c>$(…)</c> or variables, numbers, <c>$true</c>/<c>$false</c>/<c>$null</c>, arrays and hashtables of them.
/// <see cref="Ast.SafeGetValue()"/> alone would accept a script block (<c>{ Get-Process }</c> becomes a ScriptBlock a
/// later reader might invoke) and names neither the key nor the line of what it refuses.
/// </summary>
internal static class DataFileValues
{
    /// <summary>The first value that is not plain: its key (dotted from the top, <c>Sources[1].Uri</c>), the value's syntax and what it is; null when every value is plain.</summary>
    public static (string Key, Ast Value, string Kind)? FindNonPlain(HashtableAst table) => Table(table, prefix: null);

    private static (string Key, Ast Value, string Kind)? Table(HashtableAst table, string? prefix)
    {
        foreach (var (keyAst, valueAst) in table.KeyValuePairs)
        {
            var name = keyAst is StringConstantExpressionAst s ? s.Value : keyAst.Extent.Text;
            var key = prefix is null ? name : prefix + "." + name;
            if (keyAst is not StringConstantExpressionAst and not ConstantExpressionAst) return (key, keyAst, "a key that is an expression");
            if (Statement(valueAst, key) is { } bad) return bad;
        }
        return null;
    }

    private static (string Key, Ast Value, string Kind)? Statement(StatementAst statement, string key) =>
        statement is PipelineAst { PipelineElements: [CommandExpressionAst { Redirections.Count: 0 } command] }
            ? Expression(command.Expression, key)
            : (key, statement, statement is PipelineAst { PipelineElements.Count: > 1 } ? "a pipeline" : "a command");

    private static (string Key, Ast Value, string Kind)? Expression(ExpressionAst e, string key)
    {
        switch (e)
        {
            case StringConstantExpressionAst:
            case ConstantExpressionAst:
                return null;
            case ExpandableStringExpressionAst x:
                return x.NestedExpressions.Count == 0 ? null : (key, e, "text with a variable or $(…) in it (use single quotes)");
            case VariableExpressionAst v when v.VariablePath.UserPath is var n
                && (n.Equals("true", StringComparison.OrdinalIgnoreCase) || n.Equals("false", StringComparison.OrdinalIgnoreCase) || n.Equals("null", StringComparison.OrdinalIgnoreCase)):
                return null;
            case VariableExpressionAst:
                return (key, e, "a variable");
            case UnaryExpressionAst { TokenKind: TokenKind.Minus or TokenKind.Plus, Child: ConstantExpressionAst }:
                return null;
            case ScriptBlockExpressionAst:
                return (key, e, "a script block");
            case HashtableAst h:
                return Table(h, key);
            case ArrayLiteralAst a:
                for (var i = 0; i < a.Elements.Count; i++)
                {
                    if (Expression(a.Elements[i], key) is { } bad) return bad;
                }
                return null;
            case ArrayExpressionAst a:
                foreach (var statement in a.SubExpression.Statements)
                {
                    if (Statement(statement, key) is { } bad) return bad;
                }
                return null;
            case ParenExpressionAst p:
                return Statement(p.Pipeline, key);
            default:
                return (key, e, "an expression that would have to run");
        }
    }
}
