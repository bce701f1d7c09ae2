from mi_coach.entry import main

main()
