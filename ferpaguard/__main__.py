from ferpaguard.cli import main

main()
