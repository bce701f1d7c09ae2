from mi_coach.cli import main

main()
