/**
 * The label selector string syntax, lexed and parsed as upstream's labels.Parse
 * (k8s.io/apimachinery/pkg/labels/selector.go), errors worded the same:
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ ("in"|"notin") "(" VALUES ")" | ("="|"=="|"!="|">"|"<") VALUE ]
 */
import { ApiError } from "./status.js";
import { isQualifiedName } from "./validation.js";
import { LabelSelector, labelRequirement, type LabelOperator, type LabelRequirement } from "./labels.js";

type Token =
  | "error"
  | "end"
  | "closedPar"
  | "comma"
  | "doesNotExist"
  | "doubleEquals"
  | "equals"
  | "greaterThan"
  | "identifier"
  | "in"
  | "lessThan"
  | "notEquals"
  | "notIn"
  | "openPar";

const stringToToken = new Map<string, Token>([
  [")", "closedPar"],
  [",", "comma"],
  ["!", "doesNotExist"],
  ["==", "doubleEquals"],
  ["=", "equals"],
  [">", "greaterThan"],
  ["in", "in"],
  ["<", "lessThan"],
  ["!=", "notEquals"],
  ["notin", "notIn"],
  ["(", "openPar"],
]);

interface Item {
  tok: Token;
  lit: string;
}

const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecial = (ch: string): boolean => "=!(),><".includes(ch) && ch.length === 1;

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  // Returns "" at the end of input (Go's lexer returns the zero byte, so a NUL also ends it).
  private read(): string {
    const ch = this.pos < this.s.length ? this.s[this.pos]! : "";
    this.pos++;
    return ch === "\0" ? "" : ch;
  }

  private unread(): void {
    this.pos--;
  }

  lex(): Item {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === "") return { tok: "end", lit: "" };
    this.unread();
    return isSpecial(ch) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }

  private scanIdOrKeyword(): Item {
    let buf = "";
    for (;;) {
      const ch = this.read();
      if (ch === "") break;
      if (isSpecial(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    return { tok: stringToToken.get(buf) ?? "identifier", lit: buf };
  }

  private scanSpecialSymbol(): Item {
    let last: Item | undefined;
    let buf = "";
    for (;;) {
      const ch = this.read();
      if (ch === "") break;
      if (!isSpecial(ch)) {
        this.unread();
        break;
      }
      buf += ch;
      const tok = stringToToken.get(buf);
      if (tok) {
        last = { tok, lit: buf };
      } else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { tok: "error", lit: `error expected: keyword found '${buf}'` };
  }
}

type Context = "keyAndOperator" | "values";

class ParseError extends Error {}

class Parser {
  private readonly items: Item[] = [];
  private position = 0;

  constructor(input: string) {
    const lexer = new Lexer(input);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.tok === "end") break;
    }
  }

  // In a values context the keywords `in` and `notin` are plain identifiers.
  private lookahead(ctx: Context): Item {
    return this.contextual(this.items[this.position]!, ctx);
  }

  private consume(ctx: Context): Item {
    return this.contextual(this.items[this.position++]!, ctx);
  }

  private contextual(item: Item, ctx: Context): Item {
    if (ctx === "values" && (item.tok === "in" || item.tok === "notIn")) return { tok: "identifier", lit: item.lit };
    return item;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead("values");
      if (tok === "end") return reqs;
      if (tok !== "identifier" && tok !== "doesNotExist") {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (err) {
        const msg = err instanceof ParseError ? err.message : err instanceof ApiError ? err.message : String(err);
        throw new ParseError(`unable to parse requirement: ${msg}`);
      }
      const next = this.consume("values");
      if (next.tok === "end") return reqs;
      if (next.tok !== "comma") throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead("values");
      if (after.tok !== "identifier" && after.tok !== "doesNotExist") {
        throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === "exists" || operator === "!") return labelRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === "in" || op === "notin" ? this.parseValues() : this.parseExactValue();
    return labelRequirement(key, op, [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private parseKeyAndInferOperator(): { key: string; operator?: LabelOperator } {
    let operator: LabelOperator | undefined;
    let item = this.consume("values");
    if (item.tok === "doesNotExist") {
      operator = "!";
      item = this.consume("values");
    }
    if (item.tok !== "identifier") throw new ParseError(`found '${item.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(item.lit);
    if (keyErrs.length) {
      // Upstream validates with a nil field path here, which prints as "<nil>".
      throw new ParseError(`<nil>: Invalid value: ${JSON.stringify(item.lit)}: ${keyErrs.join("; ")}`);
    }
    const next = this.lookahead("values").tok;
    if ((next === "end" || next === "comma") && operator !== "!") operator = "exists";
    return { key: item.lit, operator };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume("keyAndOperator");
    const ops: Partial<Record<Token, LabelOperator>> = {
      in: "in",
      equals: "=",
      doubleEquals: "==",
      greaterThan: "gt",
      lessThan: "lt",
      notIn: "notin",
      notEquals: "!=",
    };
    const op = ops[tok];
    if (!op) throw new ParseError(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    return op;
  }

  private parseValues(): Set<string> {
    const open = this.consume("values");
    if (open.tok !== "openPar") throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead("values");
    if (tok === "identifier" || tok === "comma") {
      const s = this.parseIdentifiersList();
      if (this.consume("values").tok !== "closedPar") throw new ParseError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === "closedPar") {
      this.consume("values");
      return new Set([""]);
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume("values");
      if (tok === "identifier") {
        s.add(lit);
        const next = this.lookahead("values");
        if (next.tok === "comma") continue;
        if (next.tok === "closedPar") return s;
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === "comma") {
        if (s.size === 0) s.add(""); // "(,"
        const next = this.lookahead("values").tok;
        if (next === "closedPar") {
          s.add(""); // ",)"
          return s;
        }
        if (next === "comma") s.add(""); // ",,"
        continue;
      }
      throw new ParseError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): Set<string> {
    const ahead = this.lookahead("values").tok;
    if (ahead === "end" || ahead === "comma") return new Set([""]);
    const { tok, lit } = this.consume("values");
    if (tok === "identifier") return new Set([lit]);
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse. Throws `ApiError` BadRequest with upstream's message on bad input; the
 * empty string selects everything.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  try {
    return LabelSelector.of(new Parser(selector).parse());
  } catch (err) {
    if (err instanceof ParseError) throw ApiError.badRequest(err.message);
    throw err;
  }
}
