/* `sandboxd check-profile`: validate a profile and print what it allows. */
#ifndef SANDBOXD_CHECK_PROFILE_H
#define SANDBOXD_CHECK_PROFILE_H

/* argv[0] is "check-profile". Returns the exit code: 0, or 100 after a
 * FILE:LINE message. */
int check_profile_main(int argc, char **argv);

#endif
