from mi_coach.cli.entry import main

main()
