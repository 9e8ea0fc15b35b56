#!/usr/bin/env python3
"""Writes the committed seed corpora of the fuzz targets (run from anywhere; idempotent).

- generator: the kitchen-sink model (fuzz/run.sh adds real models from shared/models at run time);
- output_decoders: every response of tests/fixtures, as target input (operation byte, status
  byte, header flags, header values, body), plus a few hand-made error responses;
- json_differential: the fixtures' response bodies and a few edge cases;
- endpoint_rules: parameter combinations (see the target's module docs for the byte layout).
The dictionaries under dicts/ are written here too (member and error names from the fixtures).
"""
import hashlib, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

def write(target, data, name=None):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# generator
write("generator", open(os.path.join(ROOT, "codegen/tests/kitchen-sink/model.json"), "rb").read(), "kitchen-sink.json")
# The real models are third-party data: never committed; fuzz/run.sh adds them as seeds at run time.

# output_decoders + json_differential, from the fixtures
operations = sorted(os.listdir(os.path.join(ROOT, "generated/src/operation")))
operations = [re.sub(r"(^|_)([a-z])", lambda m: m.group(2).upper(), o[:-3]) for o in operations]
statuses = [200, 200, 400, 400, 400, 500, 503, 429, 404, 403, 413, 409, 402, 204, 299, 300, 302, 502, 504, 509]
names = set()
fixtures = os.path.join(ROOT, "tests/fixtures")
for op in sorted(os.listdir(fixtures)):
    if op not in operations:
        continue
    for case in sorted(os.listdir(os.path.join(fixtures, op))):
        fx = json.load(open(os.path.join(fixtures, op, case)))
        for ex in fx.get("exchanges", []):
            resp = ex.get("response") or {}
            if "status" not in resp:
                continue
            body = resp.get("body")
            body = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
            status = resp["status"]
            sbyte = statuses.index(status) if status in statuses else status - 100
            if status not in statuses and not len(statuses) <= sbyte < 256:
                sys.exit(f"{op}/{case}: status {status} cannot be encoded")
            headers = {k.lower(): v for k, v in (resp.get("headers") or {}).items()}
            flags, values = 0, b""
            for bit, h in [(1, "x-amzn-errortype"), (2, "x-amzn-requestid"), (4, "x-amzn-query-error"), (8, "content-type")]:
                if h in headers:
                    flags |= bit
                    values += headers[h].encode() + b"\0"
            write("output_decoders", bytes([operations.index(op), sbyte, flags]) + values + body.encode())
            write("json_differential", body)
            for k in re.findall(r'"([A-Za-z_]+)":', body):
                names.add(k)
            if "__type" in body:
                names.update(re.findall(r'"__type":"(?:[^"#]*#)?([A-Za-z]+)', body))
# hand-made error responses: a modeled error named by header, by body, unknown, not JSON
desc = operations.index("DescribeExecution")
write("output_decoders", bytes([desc, 2, 1]) + b"ExecutionDoesNotExist\0" + b'{"message":"no such execution"}')
write("output_decoders", bytes([desc, 5, 2]) + b"req-1\0" + b'{"__type":"com.amazonaws.sfn#InvalidArn","message":"bad"}')
write("output_decoders", bytes([desc, 6, 0]) + b"<html>Service Unavailable</html>")
write("output_decoders", bytes([desc, 7, 5]) + b"ThrottlingException:http://internal\0AWS.Throttling;Sender\0{}")
write("output_decoders", bytes([desc, 0, 0]) + b"")

# json_differential edge cases
for doc in ['', ' \n', '{}', '[]', 'null', 'true', '0', '-0', '-0.0', '1e308', '1e309', '-1e-400', '18446744073709551615',
            '18446744073709551616', '-9223372036854775808', '-9223372036854775809', '1.5E+2', '0.1', '"\\ud83d\\ude00"',
            '"\\ud83d"', '"\\u0000\\b\\f\\n\\r\\t\\/\\\\\\""', '{"a":1,"a":2}', '[' * 127 + ']' * 127, '[' * 128 + ']' * 128,
            '{"a":[1,{"b":null}],"c":"d"} ', '01', '1.', '.5', '"\x01"', '[1,]', '{"a" 1}', 'nul', '"\xc3\xa9"']:
    write("json_differential", doc)

# endpoint_rules: flags byte, then NUL-separated strings
for flags, strings in [(4, ["us-east-1"]), (5, ["us-east-1"]), (6, ["us-east-1"]), (7, ["us-east-1"]), (4, ["cn-north-1"]),
                       (7, ["cn-north-1"]), (5, ["us-gov-west-1"]), (5, ["us-iso-east-1"]), (6, ["us-isob-east-1"]),
                       (4, ["eu-south-7"]), (4, ["not a region/x"]), (4, [""]), (0, []), (8, ["https://example.com"]),
                       (9, ["http://localhost:8080/base"]), (10, ["x"]), (12, ["us-west-2", "http://127.0.0.1:4566"]),
                       (20, ["\x05"]), (23, ["\x09", "-fips"])]:
    write("endpoint_rules", bytes([flags]) + b"\0".join(s.encode("latin-1") for s in strings))
for value in ["https://example.com:443/a/b", "http://[::1]:80", "http://user@host:99999", "arn:aws:states:us-east-1:123:stateMachine:x/y",
              "my.bucket-name", "a" * 64, "Ünïcode~ %"]:
    write("endpoint_rules", bytes([0x60, 0x80]) + value.encode() + b"\0" + bytes([1, 5]))

# dictionaries
os.makedirs(os.path.join(HERE, "dicts"), exist_ok=True)
json_tokens = ['"{"', '"}"', '"["', '"]"', '":"', '","', '"true"', '"false"', '"null"', '"\\\\u"', '"\\\\ud83d"', '"\\\\"',
               '"e+"', '"E-"', '"-0"', '".0"', '"1e308"', '"18446744073709551616"']
with open(os.path.join(HERE, "dicts", "json.dict"), "w") as f:
    f.write("# JSON syntax (libFuzzer dictionary)\n" + "\n".join(json_tokens) + "\n")
with open(os.path.join(HERE, "dicts", "output_decoders.dict"), "w") as f:
    f.write("# JSON syntax, and the member and error names of SFN responses (from tests/fixtures)\n")
    f.write("\n".join(json_tokens) + "\n")
    for n in sorted(names):
        f.write('"\\"%s\\""\n' % n)
smithy = ["structure", "union", "list", "map", "set", "service", "operation", "resource", "enum", "intEnum", "string",
          "integer", "long", "short", "byte", "float", "double", "bigInteger", "bigDecimal", "boolean", "blob", "timestamp",
          "document", "member", "key", "value", "members", "target", "traits", "mixins", "apply", "input", "output",
          "errors", "operations", "resources", "version", "smithy", "shapes", "smithy.api#required", "smithy.api#default",
          "smithy.api#error", "smithy.api#documentation", "smithy.api#mixin", "smithy.api#sensitive", "smithy.api#enumValue",
          "smithy.api#paginated", "smithy.api#idempotencyToken", "smithy.api#timestampFormat", "smithy.api#jsonName",
          "smithy.api#sparse", "smithy.api#enum", "smithy.api#unitType", "smithy.api#Unit", "smithy.api#String",
          "smithy.api#Integer", "aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1", "aws.api#service",
          "smithy.rules#endpointRuleSet", "smithy.rules#endpointTests", "inputToken", "outputToken", "items", "pageSize",
          "ref", "fn", "argv", "conditions", "rules", "type", "tree", "endpoint", "error", "url", "parameters", "builtIn",
          "isSet", "aws.partition", "getAttr", "booleanEquals", "stringEquals", "assign", "#", "$"]
with open(os.path.join(HERE, "dicts", "generator.dict"), "w") as f:
    f.write("# JSON syntax, and the words of the Smithy JSON AST\n" + "\n".join(json_tokens) + "\n")
    for w in smithy:
        f.write('"\\"%s\\""\n' % w)
