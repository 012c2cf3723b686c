from mutualis.cli import main

main()
