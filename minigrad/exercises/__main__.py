"""``python -m minigrad.exercises``: list, show, template and check the exercises.

    python -m minigrad.exercises list [LESSON]
    python -m minigrad.exercises show NAME
    python -m minigrad.exercises template NAME > mine.py
    python -m minigrad.exercises check NAME mine.py
"""

import argparse
import sys

from minigrad import exercises


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigrad.exercises",
                                     description="The lessons' exercises and their checker.")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every exercise (or one lesson's)")
    listing.add_argument("lesson", nargs="?")
    show = commands.add_parser("show", help="question, hint, solution and answer")
    show.add_argument("name")
    template = commands.add_parser("template", help="a starting file for a task")
    template.add_argument("name")
    check = commands.add_parser("check", help="check your implementation of a task")
    check.add_argument("name")
    check.add_argument("path", help="your Python file defining the function")
    args = parser.parse_args(argv)

    try:
        if args.command == "list":
            for lesson in [args.lesson] if args.lesson else exercises.lessons():
                for ex in exercises.for_lesson(lesson):
                    kind = "implement" if ex.is_task else "question "
                    print(f"{ex.lesson:<4} {kind}  {ex.name:<28} {ex.title}")
        elif args.command == "show":
            ex = exercises.get(args.name)
            print(f"{ex.title} (lesson {ex.lesson})\n\n{ex.question}\n\nHint: {ex.hint}\n\n"
                  f"Solution:\n\n{exercises.solution_source(ex)}\n{ex.answer}")
        elif args.command == "template":
            print(exercises.template(args.name), end="")
        else:
            ex = exercises.get(args.name)
            failures = exercises.check_file(args.name, args.path)
            if failures:
                print(f"{ex.function_name} in {args.path}: {len(failures)} of "
                      f"{len(ex.checks)} checks failed\n")
                for failure in failures:
                    print(f"  ✗ {failure}\n")
                return 1
            print(f"{ex.function_name} in {args.path}: all {len(ex.checks)} checks pass ✓")
    except (KeyError, ValueError) as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
